package dev.tokengate.pipeline;

import dev.tokengate.core.ApiException;
import dev.tokengate.core.Deadline;
import dev.tokengate.core.Deployment;
import dev.tokengate.metrics.Metrics;
import dev.tokengate.provider.AttemptDeadline;
import dev.tokengate.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The one failover loop: tries the deployments in order, moving on at once after a retryable failure (429, 5xx,
 * timeouts); when all were tried, starts over after an exponential backoff with jitter (at least the upstream's
 * Retry-After) while retries remain. A stream that already reached the client is never retried. Every outcome feeds
 * the deployment's circuit breaker and the upstream metrics. Queued work (jobs, batch items) also needs a free slot of
 * the deployment ({@link DeploymentSlots}): a full deployment is skipped like an open breaker, and when every one was
 * full and none was called, the run fails with {@link DeploymentSlots#ALL_BUSY} at once. A client's {@link Deadline}
 * bounds it all: no backoff that would end after it, no attempt after it, each attempt's wait cut at it.
 */
public final class Attempts {
    /** @param maxRetries rounds over the deployments after the first; @param maxDelayMs longest wait before a round */
    public record Policy(int maxRetries, long baseDelayMs, long maxDelayMs) {
        public static final Policy NONE = new Policy(0, 0, 0);
    }

    private final Vertx vertx;
    private final DeploymentHealth health;
    private final Metrics metrics;
    private final Policy policy;
    private final Tracing tracing;
    private final DeploymentSlots slots;

    public Attempts(Vertx vertx, DeploymentHealth health, Metrics metrics, Policy policy) {
        this(vertx, health, metrics, policy, Tracing.OFF);
    }

    public Attempts(Vertx vertx, DeploymentHealth health, Metrics metrics, Policy policy, Tracing tracing) {
        this(vertx, health, metrics, policy, tracing, new DeploymentSlots());
    }

    public Attempts(Vertx vertx, DeploymentHealth health, Metrics metrics, Policy policy, Tracing tracing,
                    DeploymentSlots slots) {
        this.vertx = vertx;
        this.health = health;
        this.metrics = metrics;
        this.policy = policy;
        this.slots = slots;
        this.tracing = tracing;
    }

    public DeploymentHealth health() {
        return health;
    }

    /**
     * @param queued   whether the call is queued work, bounded per deployment by its {@code max_concurrency}
     * @param deadline the client's deadline, or null: no round starts whose backoff would end after it (the last
     *                 upstream error is the answer then), no attempt starts once it passed, and each attempt's wait
     *                 for its response is cut at it ({@link AttemptDeadline})
     */
    public <T> Future<T> run(List<Deployment> deployments, boolean queued, Deadline deadline,
                             Function<Deployment, Future<T>> call) {
        List<Deployment> usable = health.usable(deployments);
        return attempt(usable, 0, 0, null, queued, deadline, call);
    }

    private <T> Future<T> attempt(List<Deployment> ds, int i, int round, Throwable last, boolean queued, Deadline deadline,
                                  Function<Deployment, Future<T>> call) {
        if (i >= ds.size()) {
            if (DeploymentSlots.isAllBusy(last)) return Future.failedFuture(last);
            if (round >= policy.maxRetries() || !retryable(last)) return Future.failedFuture(last);
            long delay = delay(round, ChatService.asApi(last).retryAfterSeconds());
            if (delay > policy.maxDelayMs()) return Future.failedFuture(last);
            // a wait the client would not see the end of: it gets the last upstream error now instead
            if (deadline != null && !deadline.allowsWait(delay)) return Future.failedFuture(last);
            Promise<T> p = Promise.promise();
            vertx.setTimer(Math.max(1, delay), t -> attempt(ds, 0, round + 1, last, queued, deadline, call).onComplete(p));
            return p.future();
        }
        if (deadline != null && deadline.passed()) return Future.failedFuture(last != null ? last : deadline.exceeded());
        Deployment d = ds.get(i);
        if (queued && !slots.tryAcquire(d)) {
            return attempt(ds, i + 1, round, last == null ? DeploymentSlots.allBusy() : last, queued, deadline, call);
        }
        if (i + 1 < ds.size() && !health.tryStart(d)) {
            if (queued) slots.release(d);
            return attempt(ds, i + 1, round, last, queued, deadline, call);
        }
        long start = System.nanoTime();
        Future<T> f;
        try {
            f = start(d, round * ds.size() + i, deadline, call);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        return f.transform(ar -> {
            if (queued) slots.release(d);
            long nanos = System.nanoTime() - start;
            metrics.upstreamCall(d.id(), nanos, ar.succeeded());
            if (ar.succeeded()) {
                health.record(d, true, false, null, nanos);
                return Future.succeededFuture(ar.result());
            }
            ApiException error = ChatService.asApi(ar.cause());
            if (Deadline.isExceeded(error)) {
                // the client's deadline, not the deployment, ended the call: the breaker learns nothing from it
                health.release(d);
                return Future.failedFuture(ar.cause());
            }
            boolean retryable = retryable(ar.cause());
            health.record(d, false, retryable, error.getMessage(), nanos);
            if (!retryable) return Future.failedFuture(ar.cause());
            return attempt(ds, i + 1, round, ar.cause(), queued, deadline, call);
        });
    }

    /** Starts one upstream call; with a deadline, the call's transport finds it while the call starts. */
    private <T> Future<T> start(Deployment d, int retry, Deadline deadline, Function<Deployment, Future<T>> call) {
        if (deadline == null) return tracing.upstreamAttempt(d, retry, call);
        AttemptDeadline.set(deadline);
        try {
            return tracing.upstreamAttempt(d, retry, call);
        } finally {
            AttemptDeadline.clear();
        }
    }

    static boolean retryable(Throwable t) {
        if (t instanceof ChatService.StreamFailure f) return !f.delivered() && f.error().kind().retryable();
        return t instanceof ApiException a && a.kind().retryable();
    }

    long delay(int round, Integer retryAfterSeconds) {
        long base = Math.min(policy.maxDelayMs(), policy.baseDelayMs() << Math.min(round, 20));
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        return retryAfterSeconds == null ? jittered : Math.max(jittered, retryAfterSeconds * 1000L);
    }
}
