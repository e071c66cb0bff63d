package dev.tokengate.pipeline;

import dev.tokengate.accounts.User;
import dev.tokengate.core.Deadline;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Who a chat request runs for, as the accounting stages need it.
 *
 * @param keyId     the API key the limits count against ("admin" for the admin key); null for work without a key
 *                  (jobs), which is billed but not rate limited
 * @param headers   receives response headers (name, value: the rate-limit headers) before the response starts
 * @param queued    whether this is queued work (a job or batch item attempt), bounded per deployment by
 *                  {@link DeploymentSlots}
 * @param paidCalls for a job: counts its paid upstream calls, so the n-th one's usage record has an id made of the job
 *                  id and n, and a re-run of the job after a crash cannot charge that call again; null otherwise
 * @param deadline  when the client stops waiting (from its timeout header), bounding the retries and each upstream
 *                  attempt ({@link Attempts}); null when it sent none
 */
public record Caller(User user, String keyId, String requestId, BiConsumer<CharSequence, CharSequence> headers, boolean queued,
                     AtomicInteger paidCalls, Deadline deadline) {
    /** Headers put nowhere: work without a client waiting for a response. */
    public static final BiConsumer<CharSequence, CharSequence> NO_HEADERS = (name, value) -> {};

    /**
     * One run of a queued job (or batch item): bounded per deployment, and billed once per paid call however often the
     * job runs (see {@code paidCalls}).
     */
    public static Caller queuedJob(User user, String jobId) {
        return new Caller(user, null, jobId, NO_HEADERS, true, new AtomicInteger(), null);
    }
}
