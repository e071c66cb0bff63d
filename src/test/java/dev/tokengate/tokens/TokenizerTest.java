package dev.tokengate.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Our packed o200k_base encoding must give exactly jtokkit's tokens, so counts (and bills) do not move. */
class TokenizerTest {
    private static final Encoding JTOKKIT = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    private static final O200kEncoding OURS = O200kEncoding.load();

    private static List<String> texts() {
        List<String> texts = new ArrayList<>(List.of("", "hello world", "Hello, World! It's 2026; they'll see.",
                "  leading and trailing  \n\n", "x".repeat(5_000), " ".repeat(3_000), "!@#".repeat(700),
                "supercalifragilisticexpialidocious".repeat(40), "日本語".repeat(300), "1234567890".repeat(100),
                "def f(x):\n    return {\"a\": [1, 2, 3]}\r\n\r\n// comment\n", "😀".repeat(200)));
        Random random = new Random(20261207);
        for (int i = 0; i < 3_000; i++) texts.add(AdversarialText.random(random, 1 + random.nextInt(i % 100 == 0 ? 4_000 : 300)));
        return texts;
    }

    @Test
    void encodesExactlyAsJtokkit() {
        for (String text : texts()) {
            IntArrayList expected = JTOKKIT.encodeOrdinary(text);
            int[] ids = new int[expected.size()];
            for (int i = 0; i < ids.length; i++) ids[i] = expected.get(i);
            assertThat(OURS.encode(text)).as(text).containsExactly(ids);
            assertThat(OURS.count(text)).as(text).isEqualTo(ids.length);
            assertThat(Tokenizer.count(text)).as(text).isEqualTo(JTOKKIT.countTokensOrdinary(text));
        }
    }

    @Test
    void piecesAndTruncationDecodeAsJtokkit() {
        Random random = new Random(7);
        for (String text : texts().subList(0, 600)) {
            assertThat(String.join("", Tokenizer.pieces(text))).isEqualTo(JTOKKIT.decode(JTOKKIT.encodeOrdinary(text)));
            IntArrayList ids = JTOKKIT.encodeOrdinary(text);
            int keep = ids.size() == 0 ? 0 : random.nextInt(ids.size());
            IntArrayList head = new IntArrayList();
            for (int i = 0; i < keep; i++) head.add(ids.get(i));
            assertThat(Tokenizer.truncate(text, keep)).isEqualTo(keep >= ids.size() ? text : JTOKKIT.decode(head));
        }
    }

    @Test
    void countsStayExactWhenTheCacheEmptiesForItsCharacterBudget() {
        Random random = new Random(11);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 500; i++) texts.add(i + " " + AdversarialText.random(random, 10_000)); // 5 M characters in all
        for (int pass = 0; pass < 2; pass++) {
            for (String text : texts) assertThat(Tokenizer.count(text)).isEqualTo(JTOKKIT.countTokensOrdinary(text));
        }
    }
}
