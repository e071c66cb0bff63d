package dev.tokengate.provider;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * Cuts an upstream response that goes quiet: runs {@code onIdle} once when no data arrived for the timeout. Vert.x's
 * request idle timeout stops at the response headers, so a body, above all a stream, needs this guard of its own.
 * While the gateway itself does not read (a stream paused for a slow client) the guard is suspended: that upstream is
 * not quiet, it is held back.
 */
public final class IdleTimer {
    private final Vertx vertx;
    private final long timeoutNanos;
    private final Runnable onIdle;
    private volatile long lastDataNanos;
    private volatile boolean stopped;
    private volatile boolean suspended;
    private volatile LoopTimer timer;

    public IdleTimer(Vertx vertx, long timeoutMs, Runnable onIdle) {
        this.vertx = vertx;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        this.onIdle = onIdle;
        this.lastDataNanos = System.nanoTime();
        arm(timeoutMs);
    }

    public void touch() {
        lastDataNanos = System.nanoTime();
    }

    /** Until {@link #resume}, silence is not counted. */
    public void suspend() {
        suspended = true;
    }

    /** Counts silence again, from now. */
    public void resume() {
        lastDataNanos = System.nanoTime();
        suspended = false;
    }

    public void stop() {
        stopped = true;
        LoopTimer t = timer;
        if (t != null) t.cancel();
    }

    // re-armed for the remaining time instead of on every chunk, so a fast stream costs no timer churn
    private void arm(long delayMs) {
        timer = LoopTimer.schedule(vertx, delayMs, this::check);
    }

    // a suspended guard keeps its timer going rather than cancelling it, so pausing and resuming cost no timer churn
    private void check() {
        if (stopped) return;
        if (suspended) {
            arm(TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            return;
        }
        long quiet = System.nanoTime() - lastDataNanos;
        if (quiet >= timeoutNanos) {
            stopped = true;
            onIdle.run();
        } else {
            arm(TimeUnit.NANOSECONDS.toMillis(timeoutNanos - quiet) + 1);
        }
    }
}
