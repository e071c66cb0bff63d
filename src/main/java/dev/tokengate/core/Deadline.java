package dev.tokengate.core;

import java.util.concurrent.TimeUnit;

/**
 * When the client stops waiting for a request's answer, from a timeout header it sent. The failover loop starts no
 * backoff that would end after it, and an upstream attempt's wait for the response is cut at it. A request without such
 * a header has no deadline (null), and pays nothing for this.
 *
 * @param atNanos   the {@link System#nanoTime()} value at which the gateway stops waiting for an upstream
 * @param timeoutMs the timeout the client asked for, as counted (after clamping)
 * @param header    the header that set it, named in the error when it passes
 */
public record Deadline(long atNanos, long timeoutMs, String header) {
    /** The {@link ApiException#code()} of a request ended by its deadline. */
    public static final String EXCEEDED_CODE = "deadline_exceeded";

    /** The longest margin kept before the client's own deadline. */
    public static final long MAX_MARGIN_MS = 1000;

    /**
     * A deadline for a client that gives up {@code timeoutMs} from now. The gateway answers a tenth of it earlier (at
     * most {@value #MAX_MARGIN_MS} ms), so that its answer reaches a client whose timer started before the request
     * reached the gateway.
     */
    public static Deadline after(long timeoutMs, String header) {
        long margin = Math.min(MAX_MARGIN_MS, timeoutMs / 10);
        return new Deadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs - margin), timeoutMs, header);
    }

    public long remainingNanos() {
        return atNanos - System.nanoTime();
    }

    /** The time left in whole milliseconds, rounded up (so a timer armed for it fires after the deadline); at least 0. */
    public long remainingMillis() {
        long n = remainingNanos();
        return n <= 0 ? 0 : (n + 999_999) / 1_000_000;
    }

    public boolean passed() {
        return remainingNanos() <= 0;
    }

    /** Whether a wait of {@code delayMs} starting now ends before the deadline. */
    public boolean allowsWait(long delayMs) {
        return TimeUnit.MILLISECONDS.toNanos(delayMs) < remainingNanos();
    }

    /** The failure of a request whose deadline passed before an upstream answered: a 504 in every API family. */
    public ApiException exceeded() {
        return new ApiException(ErrorKind.UPSTREAM_TIMEOUT, "The request's deadline of " + timeoutMs + " ms (from the "
                + header + " header) passed before an upstream answered.", null, EXCEEDED_CODE);
    }

    public static boolean isExceeded(ApiException e) {
        return EXCEEDED_CODE.equals(e.code());
    }
}
