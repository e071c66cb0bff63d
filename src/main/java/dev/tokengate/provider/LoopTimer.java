package dev.tokengate.provider;

import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.concurrent.TimeUnit;

/**
 * A one-shot timeout for an upstream call. On an event loop it is a plain Netty scheduled task on that loop: each
 * upstream call arms and cancels two of them, and a Vert.x timer costs a timer object, a registry entry and a close
 * hook on top (it showed in profiles). The task runs on the caller's Vert.x context, as a Vert.x timer would.
 * Elsewhere (a worker thread) it is a Vert.x timer.
 */
public final class LoopTimer {
    private final Vertx vertx;
    private final ScheduledFuture<?> scheduled;
    private final long vertxTimerId;

    private LoopTimer(Vertx vertx, ScheduledFuture<?> scheduled, long vertxTimerId) {
        this.vertx = vertx;
        this.scheduled = scheduled;
        this.vertxTimerId = vertxTimerId;
    }

    public static LoopTimer schedule(Vertx vertx, long delayMs, Runnable task) {
        Context context = vertx.getOrCreateContext();
        if (Context.isOnEventLoopThread() && context.isEventLoopContext() && context instanceof ContextInternal internal
                && internal.nettyEventLoop().inEventLoop()) {
            ScheduledFuture<?> f = internal.nettyEventLoop().schedule(() -> context.runOnContext(v -> task.run()),
                    Math.max(1, delayMs), TimeUnit.MILLISECONDS);
            return new LoopTimer(vertx, f, -1);
        }
        return new LoopTimer(vertx, null, vertx.setTimer(Math.max(1, delayMs), id -> task.run()));
    }

    public void cancel() {
        if (scheduled != null) scheduled.cancel(false);
        else vertx.cancelTimer(vertxTimerId);
    }
}
