package dev.tokengate.batches;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.accounts.AccountStore;
import dev.tokengate.accounts.Secrets;
import dev.tokengate.callbacks.CallbackSender;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Json;
import dev.tokengate.jobs.Job;
import dev.tokengate.jobs.JobEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch engine shared by every batch API. A batch's items are jobs on the durable queue; when the last active item
 * ends the batch is finalized exactly once (a conditional status change decides which instance does it), its API's
 * finisher runs (for example writing OpenAI output files), and its callback is sent. Cancel stops pending items at once;
 * batches past their window expire.
 */
public final class BatchService {
    private static final Logger LOG = LoggerFactory.getLogger(BatchService.class);
    private static final long CHECK_DELAY_MS = 50;
    private static final long SWEEP_INTERVAL_MS = 2000;
    /** How long a batch may stay in finalizing before another check assumes its finalizer is gone. */
    static final long STALE_FINALIZING_MS = 10 * 60_000L;

    /**
     * Produces an API's result files (or nothing) when a batch's items are all done; returns {outputFileId, errorFileId}.
     * The batch is in finalizing; {@code cancellingAt} tells whether it was cancelled.
     */
    public interface Finisher {
        String[] finish(Batch batch, List<Job> items);
    }

    private final Vertx vertx;
    private final BatchStore store;
    private final JobEngine engine;
    private final AccountStore accounts;
    private final CallbackSender callbacks;
    private final InstantSource clock;
    private final Map<String, Finisher> finishers = new ConcurrentHashMap<>();
    private final Set<String> checksScheduled = ConcurrentHashMap.newKeySet();
    private long sweepTimer = -1;

    public BatchService(Vertx vertx, BatchStore store, JobEngine engine, AccountStore accounts, CallbackSender callbacks,
                        InstantSource clock) {
        this.vertx = vertx;
        this.store = store;
        this.engine = engine;
        this.accounts = accounts;
        this.callbacks = callbacks;
        this.clock = clock;
        engine.onJobEnded(job -> {
            if (job.batchId() != null) scheduleCheck(job.batchId());
        });
    }

    public void registerFinisher(String api, Finisher finisher) {
        finishers.put(api, finisher);
    }

    public CallbackSender callbacks() {
        return callbacks;
    }

    public void start() {
        sweepTimer = vertx.setPeriodic(SWEEP_INTERVAL_MS, t -> sweep());
    }

    public void stop() {
        if (sweepTimer >= 0) vertx.cancelTimer(sweepTimer);
    }

    /** Stores the batch and its items in one transaction, then lets the workers claim them. */
    public Future<Batch> create(Batch batch, List<Job> items) {
        return blocking(() -> {
            store.create(batch, items);
            return batch;
        }).onSuccess(b -> engine.kick());
    }

    /** The user's batch of the given API; anyone else's, or another API's, is a 404. */
    public Future<Batch> get(String userId, String api, String id) {
        return blocking(() -> store.find(id).filter(b -> b.userId().equals(userId) && b.api().equals(api))
                .orElseThrow(() -> ApiException.notFound("No batch found with id '" + id + "'.")));
    }

    public Future<List<Batch>> list(String userId, String api, String after, String before, int limit, boolean ascending) {
        return blocking(() -> store.list(userId, api, after, before, limit, ascending));
    }

    public Future<BatchCounts> counts(String batchId) {
        return blocking(() -> store.counts(batchId));
    }

    public Future<List<Job>> items(String batchId) {
        return blocking(() -> store.items(batchId));
    }

    /** Cancels pending items at once; items already running finish, then the batch ends as cancelled. */
    public Future<Batch> cancel(String userId, String api, String id) {
        return get(userId, api, id).compose(b -> blocking(() -> {
            long now = clock.millis();
            // a finalizing batch has no pending item left and its finisher is running: it ends as it is
            store.transition(id, List.of(BatchStatus.VALIDATING, BatchStatus.IN_PROGRESS), BatchStatus.CANCELLING, now,
                    null, null, null, null);
            store.cancelPendingItems(id, "The batch was cancelled.", now);
            return store.find(id).orElseThrow();
        })).onSuccess(b -> scheduleCheck(b.id()));
    }

    /** Deletes the user's ended batch and its items; an active one is a 400 (cancel it first). */
    public Future<Void> delete(String userId, String api, String id) {
        return get(userId, api, id).compose(b -> blocking(() -> {
            if (b.status().active()) {
                throw ApiException.invalid(null, "Batch '" + id + "' is still processing; cancel it and wait until it has ended before deleting it.");
            }
            if (!store.deleteEnded(id)) throw ApiException.notFound("No batch found with id '" + id + "'.");
            return null;
        }));
    }

    private void scheduleCheck(String batchId) {
        if (checksScheduled.add(batchId)) {
            vertx.setTimer(CHECK_DELAY_MS, t -> {
                checksScheduled.remove(batchId);
                check(batchId);
            });
        }
    }

    private void sweep() {
        blocking(() -> store.activeBatchIds(1000)).onSuccess(ids -> ids.forEach(this::scheduleCheck));
    }

    /**
     * Finalizes the batch if no item is still pending or running; expires it if its window passed. A batch left in
     * finalizing (its finalizer's instance died, or the finisher failed) is taken over once it has been stuck a while.
     */
    private void check(String batchId) {
        blocking(() -> {
            Optional<Batch> found = store.find(batchId);
            if (found.isEmpty() || !found.get().status().active()) return null;
            Batch b = found.get();
            long now = clock.millis();
            if (b.status() == BatchStatus.FINALIZING) {
                if (!store.retakeFinalizing(batchId, now - STALE_FINALIZING_MS, now)) return null;
            } else {
                if (now >= b.expiresAt() && b.status() != BatchStatus.CANCELLING) {
                    store.cancelPendingItems(batchId, "The batch expired before this request ran.", now);
                }
                if (store.hasActiveItems(batchId)) return null;
                if (!store.transition(batchId, List.of(BatchStatus.IN_PROGRESS, BatchStatus.CANCELLING), BatchStatus.FINALIZING,
                        now, null, null, null, null)) {
                    return null;
                }
            }
            return finish(store.find(batchId).orElseThrow(), now);
        }).onComplete(ar -> {
            if (ar.failed()) LOG.warn("finalizing batch {} failed: {}", batchId, ar.cause().getMessage());
            else if (ar.result() != null) sendCallback(ar.result());
        });
    }

    /** Runs the API's finisher on a batch this caller moved to finalizing, then gives the batch its final status. */
    private Batch finish(Batch b, long now) {
        BatchCounts c = store.counts(b.id());
        BatchStatus end = b.cancellingAt() != null ? BatchStatus.CANCELLED
                : now >= b.expiresAt() && c.cancelled() > 0 ? BatchStatus.EXPIRED : BatchStatus.COMPLETED;
        String[] files = {null, null};
        Finisher f = finishers.get(b.api());
        if (f != null) files = f.finish(b, store.items(b.id()));
        long total = (now - b.createdAt()) * 1_000_000L;
        if (!store.transition(b.id(), List.of(BatchStatus.FINALIZING), end, clock.millis(), c.minTtftNs(), total, files[0], files[1])) {
            return null;
        }
        return store.find(b.id()).orElse(null);
    }

    /** POSTs {job_id, status, completed_at, metadata} (Letta's callback shape) to the batch's callback_url, signed. */
    private void sendCallback(Batch b) {
        if (b.callbackUrl() == null) return;
        ObjectNode body = Json.object();
        body.put("job_id", b.id());
        body.put("status", BatchViews.lettaStatus(b.status()));
        Long ended = b.endedAt();
        if (ended == null) body.putNull("completed_at");
        else body.put("completed_at", Instant.ofEpochMilli(ended).toString());
        body.set("metadata", b.metadata() == null ? Json.object() : Json.parseOrNull(b.metadata()));
        byte[] bytes = Json.bytes(body);
        blocking(() -> accounts.callbackSecret(b.userId(), Secrets.randomToken(32))).onSuccess(secret ->
                callbacks.deliver(b.callbackUrl(), Map.of(), bytes, secret, b.callbackStatus().attempts() + 1, 0, a -> {
                    String state = a.delivered() ? "delivered" : a.last() ? "failed" : "pending";
                    Job.CallbackStatus s = new Job.CallbackStatus(state, a.number(), a.statusCode(), a.error(), a.sentAtMillis());
                    blocking(() -> {
                        store.recordCallback(b.id(), s, clock.millis());
                        return null;
                    });
                }));
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

}
