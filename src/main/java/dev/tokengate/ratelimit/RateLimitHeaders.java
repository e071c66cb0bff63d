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
            out.accept(LIMIT_REQUESTS, number(rpm));
            out.accept(REMAINING_REQUESTS, number(Math.max(0, rpm - d.usedRequests())));
            out.accept(RESET_REQUESTS, durationAscii(d.resetRequestsMs()));
        }
        long tpm = d.limit().tokensPerMinute();
        if (tpm > 0) {
            out.accept(LIMIT_TOKENS, number(tpm));
            out.accept(REMAINING_TOKENS, number(Math.max(0, tpm - d.usedTokens())));
            out.accept(RESET_TOKENS, durationAscii(d.resetTokensMs()));
        }
    }

    private static final AsciiString ZERO_SECONDS = AsciiString.cached("0s");

    /** A count (at least 0) as ASCII digits, written straight into the bytes the header value keeps. */
    private static AsciiString number(long v) {
        byte[] b = new byte[digits(v)];
        put(b, b.length, v);
        return new AsciiString(b, false);
    }

    /** {@link #duration} as ASCII bytes, without the String in between. */
    private static AsciiString durationAscii(long ms) {
        if (ms <= 0) return ZERO_SECONDS;
        if (ms < 1000) return withUnit(ms, 'm', 's');
        long s = (ms + 999) / 1000;
        if (s < 60) return withUnit(s, 's', (char) 0);
        long minutes = s / 60;
        long seconds = s % 60;
        int m = digits(minutes);
        byte[] b = new byte[m + 1 + digits(seconds) + 1];
        put(b, m, minutes);
        b[m] = 'm';
        put(b, b.length - 1, seconds);
        b[b.length - 1] = 's';
        return new AsciiString(b, false);
    }

    private static AsciiString withUnit(long v, char unit, char unit2) {
        int n = digits(v);
        byte[] b = new byte[n + (unit2 == 0 ? 1 : 2)];
        put(b, n, v);
        b[n] = (byte) unit;
        if (unit2 != 0) b[n + 1] = (byte) unit2;
        return new AsciiString(b, false);
    }

    private static int digits(long v) {
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    /** The digits of {@code v}, ending just before {@code end}. */
    private static void put(byte[] b, int end, long v) {
        int i = end;
        do {
            b[--i] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v > 0);
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
