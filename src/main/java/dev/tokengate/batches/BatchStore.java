package dev.tokengate.batches;

import dev.tokengate.jobs.Job;
import java.util.List;
import java.util.Optional;

/** Storage port for batches. Blocking: call it off the event loop. */
public interface BatchStore {
    /** Stores the batch and all its items (as pending jobs) in one transaction. */
    void create(Batch batch, List<Job> items);

    Optional<Batch> find(String id);

    /**
     * A user's batches of one API, newest first (or oldest first), after/before a batch id cursor. A cursor that is not
     * one of those batches matches nothing.
     */
    List<Batch> list(String userId, String api, String after, String before, int limit, boolean ascending);

    BatchCounts counts(String batchId);

    /** Whether an item of the batch is still pending or running (what the completion check asks after every item). */
    boolean hasActiveItems(String batchId);

    /** The batch's items, in id order (item ids sort in creation order). */
    List<Job> items(String batchId);

    /**
     * Moves a batch to {@code to} only if it is in one of {@code from}; sets that status's timestamp and, for final
     * statuses, the durations and files. Returns false when another instance got there first.
     */
    boolean transition(String id, List<BatchStatus> from, BatchStatus to, long now, Long ttftNs, Long totalDurationNs,
                       String outputFileId, String errorFileId);

    /**
     * Re-stamps {@code finalizing_at} of a batch that has been finalizing since before {@code staleBefore}, so the caller
     * finalizes it instead of the finalizer that never finished. False when the batch is not stuck or another caller
     * took it first.
     */
    boolean retakeFinalizing(String id, long staleBefore, long now);

    /** Cancels the batch's items that have not started. Returns how many. */
    int cancelPendingItems(String batchId, String reason, long now);

    /** Ids of batches that still have work or are waiting to be finalized, oldest first. */
    List<String> activeBatchIds(int limit);

    void recordCallback(String id, Job.CallbackStatus status, long now);

    /** Deletes a batch that has ended, with its items, in one transaction. False when it is unknown or still active. */
    boolean deleteEnded(String id);
}
