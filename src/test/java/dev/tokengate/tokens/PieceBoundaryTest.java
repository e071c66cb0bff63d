package dev.tokengate.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A cut said to end a piece splits the pre-tokenizer's pieces (so the count) exactly, whatever surrounds the two characters. */
class PieceBoundaryTest {
    private static final O200kEncoding ENCODING = Tokenizer.ENCODING;

    /** Every ASCII character and some of every kind the pattern tells apart (categories, whitespace, surrogates). */
    private static final String CHARACTERS = ascii() + "\u0085\u00a0\u1680\u2000\u2028\u2029\u202f\u3000éßſKǅʰ日ا\u0301"
            + "\u0903\u20dd٣Ⅻ½²\ud83d\ude00\ud835\udfcf。、«»—€™\u200b\u00ad";
    private static final String[] BEFORE = {"", "x", "X", "1", "12", " ", "  ", "\n", " \n", "!", "'", "/", "é", "\u0301",
        "日", "😀", "\r", "\t", "a'", "\u00a0", "\ud83d"};
    // with a high surrogate as the character after the cut: 𝐚 (a letter) and 𝟏 (a number) outside the basic plane
    private static final String[] AFTER = {"", "x", "X", "1", "123", " ", "  ", "\n", "\n\n", "!", "'s", "/", "/\n",
        "\u0301", "日", "😀", "\r\n", "'ll", "s", " x", "\ude00", "\u00a0x", "\udc1a", "\udfcf"};

    private static String ascii() {
        StringBuilder sb = new StringBuilder();
        for (char c = 0; c < 0x80; c++) sb.append(c);
        return sb.toString();
    }

    @Test
    void aSettledCutSplitsThePiecesExactlyWhateverSurroundsIt() {
        Random random = new Random(9);
        int settled = 0;
        for (char a : CHARACTERS.toCharArray()) {
            for (char b : CHARACTERS.toCharArray()) {
                if (!PieceBoundary.endsPiece(a, b)) continue;
                settled++;
                for (String after : AFTER) assertSplitsExactly(BEFORE[random.nextInt(BEFORE.length)] + a, b + after);
                for (String before : BEFORE) assertSplitsExactly(before + a, b + AFTER[random.nextInt(AFTER.length)]);
            }
        }
        assertThat(settled).isGreaterThan(CHARACTERS.length() * CHARACTERS.length() / 3);
    }

    private static void assertSplitsExactly(String head, String tail) {
        List<String> apart = new ArrayList<>(pieces(head));
        apart.addAll(pieces(tail));
        assertThat(apart).as("%s|%s", head, tail).isEqualTo(pieces(head + tail));
        assertThat(ENCODING.count(head) + ENCODING.count(tail)).as("%s|%s", head, tail).isEqualTo(ENCODING.count(head + tail));
    }

    private static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = O200kEncoding.PIECES.matcher(text);
        while (m.find()) pieces.add(m.group());
        return pieces;
    }

    @Test
    void itsCharacterClassesAreThePatterns() {
        Pattern whitespace = Pattern.compile("\\s", Pattern.UNICODE_CHARACTER_CLASS);
        Pattern letter = Pattern.compile("\\p{L}", Pattern.UNICODE_CHARACTER_CLASS);
        Pattern number = Pattern.compile("\\p{N}", Pattern.UNICODE_CHARACTER_CLASS);
        Pattern mark = Pattern.compile("\\p{M}", Pattern.UNICODE_CHARACTER_CLASS);
        for (int c = 0; c <= 0xFFFF; c++) {
            String s = String.valueOf((char) c);
            assertThat(PieceBoundary.isWhitespace((char) c)).as("U+%04X", c).isEqualTo(whitespace.matcher(s).matches());
            assertThat(PieceBoundary.isLetter((char) c)).as("U+%04X", c).isEqualTo(letter.matcher(s).matches());
            assertThat(PieceBoundary.isNumber((char) c)).as("U+%04X", c).isEqualTo(number.matcher(s).matches());
            assertThat(PieceBoundary.isMark((char) c)).as("U+%04X", c).isEqualTo(mark.matcher(s).matches());
        }
    }
}
