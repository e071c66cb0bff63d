package dev.tokengate.http;

import dev.tokengate.core.ApiException;
import dev.tokengate.core.Deadline;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * The client's deadline, from its timeout headers, counted from when the gateway starts handling the request:
 * <ul>
 *   <li>{@value #GATEWAY_HEADER}: ours, whole milliseconds from 1; it wins over the others when present.</li>
 *   <li>{@code X-Stainless-Timeout} (seconds): the whole-call timeout the Stainless-generated SDKs send (openai-java,
 *       openai-node, anthropic-sdk-typescript), truncated to whole seconds.</li>
 *   <li>{@code X-Stainless-Read-Timeout} (seconds, possibly with a fraction): the read timeout openai-python and
 *       openai-java send. The gateway sends nothing until an upstream answers (a plain answer: until it has ended), so
 *       the client gives up on a silent gateway after it as well.</li>
 * </ul>
 * With both Stainless headers the smaller counts. A Stainless value of 0 is ignored (the SDKs truncate, so 0 only says
 * "under a second"). Values above {@value #MAX_MS} ms count as that. Anything that is not a number is a 400 naming the
 * header. No header: no deadline, and nothing is allocated.
 */
final class RequestDeadline {
    static final String GATEWAY_HEADER = "x-tokengate-timeout-ms";
    static final String STAINLESS_TIMEOUT = "X-Stainless-Timeout";
    static final String STAINLESS_READ_TIMEOUT = "X-Stainless-Read-Timeout";
    /** The longest deadline taken: one hour. */
    static final long MAX_MS = 3_600_000;

    // looked up on every request: header names as AsciiStrings hash and compare without decoding
    private static final CharSequence GATEWAY = HttpHeaders.createOptimized(GATEWAY_HEADER);
    private static final CharSequence TOTAL = HttpHeaders.createOptimized(STAINLESS_TIMEOUT);
    private static final CharSequence READ = HttpHeaders.createOptimized(STAINLESS_READ_TIMEOUT);

    private RequestDeadline() {}

    /** The request's deadline, or null when it sent no usable timeout header. */
    static Deadline of(HttpServerRequest req) {
        String own = req.getHeader(GATEWAY);
        if (own != null) return Deadline.after(millis(own), GATEWAY_HEADER);
        String total = req.getHeader(TOTAL);
        String read = req.getHeader(READ);
        if (total == null && read == null) return null;
        long totalMs = total == null ? 0 : secondsAsMillis(total, STAINLESS_TIMEOUT);
        long readMs = read == null ? 0 : secondsAsMillis(read, STAINLESS_READ_TIMEOUT);
        if (totalMs == 0 && readMs == 0) return null;
        if (readMs == 0 || (totalMs != 0 && totalMs <= readMs)) return Deadline.after(totalMs, STAINLESS_TIMEOUT);
        return Deadline.after(readMs, STAINLESS_READ_TIMEOUT);
    }

    /** Whole milliseconds from 1; above {@link #MAX_MS} clamped. */
    private static long millis(String raw) {
        String v = raw.trim();
        if (v.isEmpty() || !digits(v, 0, v.length())) throw invalid(GATEWAY_HEADER, raw, "a whole number of milliseconds from 1");
        long ms = v.length() > 12 ? MAX_MS : Math.min(MAX_MS, Long.parseLong(v));
        if (ms == 0) throw invalid(GATEWAY_HEADER, raw, "a whole number of milliseconds from 1");
        return ms;
    }

    /** Seconds, optionally with a fraction ("20", "0.5", "600.0"); 0 when it is zero; above the maximum clamped. */
    private static long secondsAsMillis(String raw, String header) {
        String v = raw.trim();
        int dot = v.indexOf('.');
        int wholeEnd = dot < 0 ? v.length() : dot;
        boolean ok = wholeEnd > 0 && digits(v, 0, wholeEnd) && (dot < 0 || (dot + 1 < v.length() && digits(v, dot + 1, v.length())));
        if (!ok) throw invalid(header, raw, "a number of seconds (such as 20 or 0.5)");
        if (wholeEnd > 7) return MAX_MS;
        long ms = Long.parseLong(v, 0, wholeEnd, 10) * 1000;
        // milliseconds from the first three decimals; the rest is below what a timer can tell
        for (int i = 1, scale = 100; i <= 3 && dot >= 0 && dot + i < v.length(); i++, scale /= 10) {
            ms += (v.charAt(dot + i) - '0') * scale;
        }
        return Math.min(MAX_MS, ms);
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }

    private static ApiException invalid(String header, String raw, String what) {
        String shown = raw.length() > 40 ? raw.substring(0, 40) + "..." : raw;
        return ApiException.invalid(header, "Invalid '" + header + "' header: '" + shown + "'. It must be " + what
                + "; values above " + MAX_MS + " ms count as " + MAX_MS + " ms.", "invalid_value");
    }
}
