package dev.tokengate.ratelimit;

import io.netty.util.AsciiString;
import io.vertx.core.http.HttpHeaders;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/** The headers OpenAI sends with every response, for the limits that are configured. */
public final class RateLimitHeaders {
    // names and values as Netty's AsciiString: names hashed once, and both copied to the wire as bytes (a String is
    // written to the connection's direct buffer one character at a time)
    private static final CharSequence LIMIT_REQUESTS = HttpHeaders.createOptimized("x-ratelimit-limit-requests");
    private static final CharSequence REMAINING_REQUESTS = HttpHeaders.createOptimized("x-ratelimit-remaining-requests");
    private static final CharSequence RESET_REQUESTS = HttpHeaders.createOptimized("x-ratelimit-reset-requests");
    private static final CharSequence LIMIT_TOKENS = HttpHeaders.createOptimized("x-ratelimit-limit-tokens");
    private static final CharSequence REMAINING_TOKENS = HttpHeaders.createOptimized("x-ratelimit-remaining-tokens");
    private static final CharSequence RESET_TOKENS = HttpHeaders.createOptimized("x-ratelimit-reset-tokens");

    private RateLimitHeaders() {}

    /** Puts the headers of {@code d} into {@code out} (name, value), in the order OpenAI sends them. */
    public static void write(Decision d, BiConsumer<CharSequence, CharSequence> out) {
        if (!d.checked()) return;
        long rpm = d.limit().requestsPerMinute();
        if (rpm > 0) {
            out.accept(LIMIT_REQUESTS, ascii(Long.toString(rpm)));
            out.accept(REMAINING_REQUESTS, ascii(Long.toString(Math.max(0, rpm - d.usedRequests()))));
            out.accept(RESET_REQUESTS, ascii(duration(d.resetRequestsMs())));
        }
        long tpm = d.limit().tokensPerMinute();
        if (tpm > 0) {
            out.accept(LIMIT_TOKENS, ascii(Long.toString(tpm)));
            out.accept(REMAINING_TOKENS, ascii(Long.toString(Math.max(0, tpm - d.usedTokens()))));
            out.accept(RESET_TOKENS, ascii(duration(d.resetTokensMs())));
        }
    }

    private static CharSequence ascii(String digits) {
        return new AsciiString(digits);
    }

    /** The headers of {@code d} as a map, in order. */
    public static Map<String, String> of(Decision d) {
        Map<String, String> h = new LinkedHashMap<>();
        write(d, (name, value) -> h.put(name.toString(), value.toString()));
        return h;
    }

    /** OpenAI's duration format: "120ms", "7s", "1m30s". */
    static String duration(long ms) {
        if (ms <= 0) return "0s";
        if (ms < 1000) return ms + "ms";
        long s = (ms + 999) / 1000;
        if (s < 60) return s + "s";
        return (s / 60) + "m" + (s % 60) + "s";
    }

    /** Whole seconds for Retry-After, at least 1. */
    public static int retryAfterSeconds(long ms) {
        return (int) Math.max(1, (ms + 999) / 1000);
    }
}
