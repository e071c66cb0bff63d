package dev.tokengate.app;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices an event loop that stops while the gateway runs. An Error escaping Netty's run loop (io_uring out of direct
 * memory did, PERFORMANCE.md "Session 10") ends the loop's thread: its connections are never read again and Netty only
 * warns. The watch logs an ERROR naming the loop and the cause; {@link #allRunning()} is then false (a stopped loop
 * counts as shutting down for good), which /health and /ready answer with 503 so a supervisor or load balancer
 * replaces the process (ARCHITECTURE.md, "Event loops").
 */
final class EventLoopWatch {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoopWatch.class);
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final BooleanSupplier closing;
    private final List<EventExecutor> loops = new ArrayList<>();

    private EventLoopWatch(BooleanSupplier closing) {
        this.closing = closing;
    }

    /** @param closing true once the gateway closes, when loops end on purpose */
    static EventLoopWatch start(Vertx vertx, BooleanSupplier closing) {
        EventLoopWatch watch = new EventLoopWatch(closing);
        VertxInternal internal = (VertxInternal) vertx;
        // the acceptor's loop too: without it no new connection is taken, while kept-alive ones still ask /health
        for (var group : List.of(internal.nettyEventLoopGroup(), internal.acceptorEventLoopGroup())) {
            for (EventExecutor loop : group) {
                watch.loops.add(loop);
                watch.watch(loop);
            }
        }
        return watch;
    }

    /** Asks the loops themselves: their termination, which the log reports, is announced on another thread a moment later. */
    boolean allRunning() {
        for (EventExecutor loop : loops) if (loop.isShuttingDown()) return false;
        return true;
    }

    private void watch(EventExecutor loop) {
        // the loop's own thread names it and keeps the Error that kills it; Netty may log and swallow that Error
        // instead, ending the loop normally, so its termination is watched too
        loop.submit(() -> {
            Thread thread = Thread.currentThread();
            Thread.UncaughtExceptionHandler previous = thread.getUncaughtExceptionHandler();
            thread.setUncaughtExceptionHandler((t, e) -> {
                died(t.getName(), e);
                if (previous != null) previous.uncaughtException(t, e);
            });
            String name = thread.getName();
            loop.terminationFuture().addListener(f -> died(name, null));
        });
    }

    private void died(String loop, Throwable cause) {
        if (closing.getAsBoolean()) return;
        boolean first = reported.add(loop);
        if (cause != null) {
            LOG.error("event loop {} died: its connections are no longer served; /health and /ready now answer 503", loop, cause);
        } else if (first) {
            LOG.error("event loop {} stopped (its cause is logged above by Netty): its connections are no longer served;"
                    + " /health and /ready now answer 503", loop);
        }
    }
}
