package dev.tokengate.tokens;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Texts that exercise every rule of the pre-tokenizer, and random ways to cut them into a stream's deltas. */
public final class AdversarialText {
    private AdversarialText() {}

    private static final String[] ALPHABETS = {
        "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", " ", "  \t", "\r\n", "\n", "\r",
        " \n ", "\t\n", "\u000b\u000c\u0085\u00a0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u205f\u3000",
        ".,;:!?'\"()[]{}<>/\\|-_=+*&^%$#@~`", "'s 'S 't 're 'VE 'm 'll 'd", "don't It's THEY'LL we'd I'm",
        "'''///\n/\r\n/", "éèêëàâäôöûüçñÉÀßøåſK", "e\u0301a\u0308\u0300\u20dd\u0903", "абвгдежзийклмнопрстуфхцчшщыэюяАБВ",
        "日本語の文章と漢字中文简体繁體한국어。、「」", "مرحبا بالعالم", "שלום עולם", "αβγδεζηθικλμΑΒΓΔ", "สวัสดีครับ",
        "नमस्ते दुनिया", "०१२३٤٥٦½²³ⅫⅣ①", "𝟏𝟐𝟑𝐀𝐁𝐚𝐛𠀀𠀁", "x𝐚y𝟏2𝟐a😀b", "a𝐚1𝟏", "😀😃🎉👍🏽🇩🇪❤️‍🔥", "\ud83d", "\ude00", "ﬁﬂ№™ǅǈ",
        "{\"query\":\"weather in Paris\",\"days\":3,\"units\":[\"C\",\"F\"]}", "def f(x):\n    return x ** 2\n",
        "https://example.com/a/b?c=1&d=2", "1,234,567.89", "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo+/="};

    /** A random text of at least {@code length} characters; now and then a run hundreds of characters long. */
    public static String random(Random random, int length) {
        StringBuilder sb = new StringBuilder(length + 512);
        while (sb.length() < length) {
            String alphabet = ALPHABETS[random.nextInt(ALPHABETS.length)];
            int run = 1 + random.nextInt(random.nextInt(20) == 0 ? 600 : 12);
            if (alphabet.length() > 12 && random.nextBoolean()) {
                int from = random.nextInt(alphabet.length());
                sb.append(alphabet, from, Math.min(alphabet.length(), from + run));
            } else {
                for (int i = 0; i < run; i++) sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return sb.toString();
    }

    /** The text in consecutive parts of random sizes up to {@code largest}; a part may end inside a surrogate pair. */
    public static List<String> parts(Random random, String text, int largest) {
        List<String> parts = new ArrayList<>();
        for (int at = 0; at < text.length(); ) {
            int end = Math.min(text.length(), at + 1 + random.nextInt(largest));
            parts.add(text.substring(at, end));
            at = end;
        }
        return parts;
    }
}
