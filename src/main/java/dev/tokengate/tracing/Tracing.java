package dev.tokengate.tracing;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.Deployment;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * The hooks the request path, the failover loop, the providers and the job engine call. Chosen once at start-up: with
 * tracing off it is {@link #OFF}, whose hooks do nothing (no span objects, no context lookups), so the hot path pays one
 * call that the JIT inlines away.
 */
public interface Tracing extends AutoCloseable {
    Tracing OFF = new Off();

    static Tracing create(GatewayConfig.Tracing config) {
        return config.enabled() ? OtelTracing.start(config) : OFF;
    }

    /** Starts the request's server span (continuing a client's {@code traceparent}); it ends when the response ends. */
    void requestStarted(RoutingContext ctx, String requestId);

    /**
     * Runs one upstream attempt inside a client span.
     *
     * @param retry the attempt's place in the failover plan: 0 for the first
     */
    <T> Future<T> upstreamAttempt(Deployment deployment, int retry, Function<Deployment, Future<T>> call);

    /**
     * The {@code traceparent} header for the upstream request being built, or null. Read while the provider's call
     * starts (inside {@link #upstreamAttempt}), before anything asynchronous happens.
     */
    String upstreamTraceparent();

    /** Records how long a job waited between its enqueueing and its claim, then runs it (as part of that trace). */
    void claimed(QueuedJob job, Runnable run);

    /** Exports what is still buffered and stops. */
    @Override
    void close();

    /** What the queue-wait span tells about a job attempt; times are epoch milliseconds. */
    record QueuedJob(String id, String kind, String batchId, int attempt, long enqueuedAt, long claimedAt) {}

    /** Tracing off: every hook does the least possible. */
    final class Off implements Tracing {
        private Off() {}

        @Override
        public void requestStarted(RoutingContext ctx, String requestId) {}

        @Override
        public <T> Future<T> upstreamAttempt(Deployment deployment, int retry, Function<Deployment, Future<T>> call) {
            return call.apply(deployment);
        }

        @Override
        public String upstreamTraceparent() {
            return null;
        }

        @Override
        public void claimed(QueuedJob job, Runnable run) {
            run.run();
        }

        @Override
        public void close() {}
    }
}
