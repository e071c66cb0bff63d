package dev.tokengate.pipeline;

import dev.tokengate.core.ApiException;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.ErrorKind;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the queued calls (jobs, batch items) in flight against each deployment on this instance and refuses one more
 * than its {@link Deployment#maxConcurrency()}. Interactive requests are not counted: a client is waiting on them, and
 * the rate limits per key bound them.
 */
public final class DeploymentSlots {
    /** The code of the failure when every deployment a queued call could use is full: the job waits, no attempt spent. */
    public static final String ALL_BUSY = "deployments_busy";

    private final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    public boolean tryAcquire(Deployment d) {
        if (!d.bounded()) return true;
        AtomicInteger n = inFlight.computeIfAbsent(d.id(), k -> new AtomicInteger());
        while (true) {
            int now = n.get();
            if (now >= d.maxConcurrency()) return false;
            if (n.compareAndSet(now, now + 1)) return true;
        }
    }

    public void release(Deployment d) {
        if (d.bounded()) inFlight.get(d.id()).decrementAndGet();
    }

    public int inFlight(Deployment d) {
        AtomicInteger n = inFlight.get(d.id());
        return n == null ? 0 : n.get();
    }

    static ApiException allBusy() {
        return new ApiException(ErrorKind.UNAVAILABLE, "Every deployment of the model is at its max_concurrency for queued work.",
                null, ALL_BUSY);
    }

    public static boolean isAllBusy(Throwable t) {
        return t instanceof ApiException a && ALL_BUSY.equals(a.code());
    }
}
