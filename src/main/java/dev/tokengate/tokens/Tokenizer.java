package dev.tokengate.tokens;

import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ContentPart;
import dev.tokengate.core.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Token counting with the o200k_base encoding (GPT-4o and later). Message overhead follows OpenAI's published
 * counting recipe: 3 tokens per message, 1 more for a name, 3 to prime the reply.
 */
public final class Tokenizer {
    static final O200kEncoding ENCODING = O200kEncoding.load();

    private Tokenizer() {}

    /**
     * Counts of texts seen recently. A conversation resends its whole history and usually one system prompt on every
     * turn, so most of a prompt was counted before; hashing a string is far cheaper than encoding it. Bounded: emptied
     * when it holds too many texts or too many characters in all (16,384 texts of 16,384 characters would be far more
     * than the heap), and long texts (counted once per request anyway, off the event loop) are not kept.
     */
    private static final int CACHE_MAX_ENTRIES = 16_384;
    private static final int CACHE_MAX_CHARS = 16_384;
    private static final long CACHE_MAX_TOTAL_CHARS = 4L * 1024 * 1024;
    private static final ConcurrentHashMap<String, Integer> RECENT = new ConcurrentHashMap<>();
    /** About how many characters RECENT holds (updates race with clearing; a bound, not an exact sum). */
    private static final AtomicLong RECENT_CHARS = new AtomicLong();

    public static int count(String text) {
        if (text == null || text.isEmpty()) return 0;
        if (text.length() > CACHE_MAX_CHARS) return ENCODING.count(text);
        Integer known = RECENT.get(text);
        if (known != null) return known;
        int n = ENCODING.count(text);
        if (RECENT.size() >= CACHE_MAX_ENTRIES || RECENT_CHARS.get() >= CACHE_MAX_TOTAL_CHARS) {
            RECENT.clear();
            RECENT_CHARS.set(0);
        }
        if (RECENT.put(text, n) == null) RECENT_CHARS.addAndGet(text.length());
        return n;
    }

    public static int countPrompt(List<ChatMessage> messages) {
        int total = 3;
        for (ChatMessage m : messages) {
            total += 3 + count(m.role().wire());
            if (m.content() != null) {
                for (ContentPart p : m.content()) {
                    total += switch (p) {
                        case ContentPart.Text t -> count(t.text());
                        case ContentPart.Image i -> 85;
                        case ContentPart.Opaque o -> count(o.raw().toString());
                    };
                }
            }
            if (m.name() != null) total += 1 + count(m.name());
            for (ToolCall c : m.toolCalls()) total += 3 + count(c.name()) + count(c.arguments());
        }
        return total;
    }

    /** Splits text into the strings of its tokens, so a simulated stream can emit one token per chunk. */
    public static List<String> pieces(String text) {
        int[] ids = ENCODING.encode(text);
        List<String> out = new ArrayList<>(ids.length);
        java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < ids.length; i++) {
            pending.writeBytes(ENCODING.bytes(ids[i]));
            byte[] bytes = pending.toByteArray();
            // a token may end inside a multi-byte character; hold it until the character is whole
            if (i + 1 < ids.length && !endsOnCharacterBoundary(bytes)) continue;
            out.add(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            pending.reset();
        }
        return out;
    }

    private static boolean endsOnCharacterBoundary(byte[] b) {
        int i = b.length - 1;
        int continuation = 0;
        while (i >= 0 && (b[i] & 0xC0) == 0x80) {
            continuation++;
            i--;
        }
        if (i < 0) return false;
        int lead = b[i] & 0xFF;
        int needed = lead < 0x80 ? 0 : lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
        return continuation == needed;
    }

    /** The first {@code maxTokens} tokens of the text. */
    public static String truncate(String text, int maxTokens) {
        int[] ids = ENCODING.encode(text);
        if (ids.length <= maxTokens) return text;
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < maxTokens; i++) head.writeBytes(ENCODING.bytes(ids[i]));
        return head.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
