package dev.tokengate.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** A text counted as it streams in counts exactly as the whole text, while holding only its uncounted tail. */
class RunningCountTest {
    private static int countInParts(String text, Random random, int largestPart, RunningCount count) {
        for (String part : AdversarialText.parts(random, text, largestPart)) count.append(part);
        return count.tokens();
    }

    @Test
    void countsExactlyAsTheWholeTextHoweverItArrivesInParts() {
        Random random = new Random(20261207);
        for (int i = 0; i < 2_000; i++) {
            String text = AdversarialText.random(random, 1 + random.nextInt(i % 50 == 0 ? 20_000 : 2_000));
            // looking for a cut after every few characters tries every rule at every place it can apply
            RunningCount count = new RunningCount(1 + random.nextInt(64), Integer.MAX_VALUE);
            assertThat(countInParts(text, random, new int[] {1, 3, 17, 400}[i % 4], count)).as(text).isEqualTo(Tokenizer.count(text));
        }
    }

    @Test
    void countsExactlyWhateverCharacterSitsNextToACut() {
        Random random = new Random(5);
        for (int block = 0; block < 0x10000; block += 0x400) {
            StringBuilder text = new StringBuilder();
            for (int c = block; c < block + 0x400; c++) {
                char x = (char) c;
                text.append("ab").append(x).append("cd ").append(x).append(" 12").append(x).append("345\n").append(x)
                        .append("\r\n").append(x).append(x).append("'s").append(x).append('/').append(x).append("\u0301")
                        .append(x).append('\t').append(x).append("!A").append(x).append('\u00a0').append(x).append("\n/")
                        .append(x).append("\u3000x").append(x).append("日").append(x).append("😀").append(x);
            }
            String whole = text.toString();
            RunningCount count = new RunningCount(1, Integer.MAX_VALUE);
            assertThat(countInParts(whole, random, 3, count)).as("characters from U+%04X", block).isEqualTo(Tokenizer.count(whole));
        }
    }

    @Test
    void holdsOnlyTheTailOfALongTextNotCountedYet() {
        Random random = new Random(3);
        String text = AdversarialText.random(random, 2_000_000);
        RunningCount count = new RunningCount();
        int mostHeld = 0;
        for (String part : AdversarialText.parts(random, text, 200)) {
            count.append(part);
            mostHeld = Math.max(mostHeld, count.held());
        }
        // what it holds past COUNT_AT is the tail after the last cut, here at most a few hundred characters
        assertThat(mostHeld).isLessThan(2 * RunningCount.COUNT_AT);
        assertThat(count.tokens()).isEqualTo(Tokenizer.count(text));
    }

    @Test
    void aSinglePieceLongerThanItHoldsIsCountedInPartsOfBoundedSize() {
        for (String unit : new String[] {"a", " ", "!", "日", "😀", "9"}) {
            String text = unit.repeat(300_000 / unit.length());
            RunningCount count = new RunningCount();
            int mostHeld = 0;
            for (String part : AdversarialText.parts(new Random(1), text, 100)) {
                count.append(part);
                mostHeld = Math.max(mostHeld, count.held());
            }
            assertThat(mostHeld).as(unit).isLessThan(RunningCount.HOLD_AT_MOST + RunningCount.COUNT_AT + 100);
            int whole = Tokenizer.count(text);
            // a token or two per part of about HOLD_AT_MOST characters
            int parts = text.length() / RunningCount.HOLD_AT_MOST + 1;
            assertThat(count.tokens()).as(unit).isBetween(whole - 2 * parts, whole + 2 * parts);
        }
    }
}
