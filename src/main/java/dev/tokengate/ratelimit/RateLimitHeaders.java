package dev.tokengate.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

/** The headers OpenAI sends with every response, for the limits that are configured. */
public final class RateLimitHeaders {
    private RateLimitHeaders() {}

    public static Map<String, String> of(Decision d) {
        Map<String, String> h = new LinkedHashMap<>();
        if (!d.checked()) return h;
        long rpm = d.limit().requestsPerMinute();
        if (rpm > 0) {
            h.put("x-ratelimit-limit-requests", Long.toString(rpm));
            h.put("x-ratelimit-remaining-requests", Long.toString(Math.max(0, rpm - d.usedRequests())));
            h.put("x-ratelimit-reset-requests", duration(d.resetRequestsMs()));
        }
        long tpm = d.limit().tokensPerMinute();
        if (tpm > 0) {
            h.put("x-ratelimit-limit-tokens", Long.toString(tpm));
            h.put("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, tpm - d.usedTokens())));
            h.put("x-ratelimit-reset-tokens", duration(d.resetTokensMs()));
        }
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
