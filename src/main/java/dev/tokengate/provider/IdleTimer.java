package dev.tokengate.provider;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * Cuts an upstream response that goes quiet: runs {@code onIdle} once when no data arrived for the timeout. Vert.x's
 * request idle timeout stops at the response headers, so a body, above all a stream, needs this guard of its own.
 */
public final class IdleTimer {
    private final Vertx vertx;
    private final long timeoutNanos;
    private final Runnable onIdle;
    private volatile long lastDataNanos;
    private volatile boolean stopped;
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

    public void stop() {
        stopped = true;
        LoopTimer t = timer;
        if (t != null) t.cancel();
    }

    // re-armed for the remaining time instead of on every chunk, so a fast stream costs no timer churn
    private void arm(long delayMs) {
        timer = LoopTimer.schedule(vertx, delayMs, this::check);
    }

    private void check() {
        if (stopped) return;
        long quiet = System.nanoTime() - lastDataNanos;
        if (quiet >= timeoutNanos) {
            stopped = true;
            onIdle.run();
        } else {
            arm(TimeUnit.NANOSECONDS.toMillis(timeoutNanos - quiet) + 1);
        }
    }
}
