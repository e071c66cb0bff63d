package dev.tokengate.jobs;

import java.util.List;
import java.util.Optional;

/**
 * Storage port of the durable job queue. Blocking: call it off the event loop. Every state change of a running job is
 * conditional on the caller still holding the job's lease, so a job whose lease moved on cannot be finished twice.
 */
public interface JobStore {
    /** Inserts all jobs in one transaction: a duplicate id or (user, idempotency key) inserts none and throws. */
    void insert(List<Job> jobs);

    Optional<Job> find(String id);

    Optional<Job> findByIdempotencyKey(String userId, String key);

    /**
     * Leases up to {@code limit} runnable jobs to {@code owner}: pending jobs that are due, and assigned jobs whose lease
     * expired (their worker died). Each claim counts as an attempt. Concurrent claimers never get the same job. Returns
     * the jobs oldest {@code runAfter} first.
     */
    List<Job> claim(String owner, long now, long leaseUntil, int limit);

    /** As {@link #claim(String, long, long, int)}, only jobs of {@code model}. */
    List<Job> claim(String owner, long now, long leaseUntil, int limit, String model);

    /**
     * Back to pending, due at {@code runAfter}, and the attempt the claim counted is taken back: the job never reached
     * an upstream (every deployment it could use was full).
     */
    boolean putBack(String id, String owner, long runAfter, long now);

    /** Extends the leases of every job {@code owner} holds. */
    int renewLeases(String owner, long leaseUntil, long now);

    /** Puts the jobs {@code owner} holds back in the queue (clean shutdown). */
    int release(String owner, long now);

    /** Puts every assigned job back in the queue: for a single-instance store after a crash. */
    int releaseAll(long now);

    boolean complete(String id, String owner, Job.Outcome outcome, long now);

    boolean fail(String id, String owner, Job.Outcome outcome, long now);

    /** Back to pending, due at {@code runAfter}, keeping the error that caused the retry. */
    boolean retryLater(String id, String owner, long runAfter, Job.Outcome lastError, long now);

    /**
     * How an attempt of a leased job ended: {@code status} COMPLETED or FAILED ends it ({@link #complete},
     * {@link #fail}); PENDING queues it again at {@code runAfter} ({@link #retryLater}), or, with {@code putBack}, without
     * the attempt and keeping the last outcome ({@link #putBack}; {@code outcome} is then null).
     */
    record Finish(String id, String owner, JobStatus status, Job.Outcome outcome, long runAfter, long now, boolean putBack) {
        public Finish(String id, String owner, JobStatus status, Job.Outcome outcome, long runAfter, long now) {
            this(id, owner, status, outcome, runAfter, now, false);
        }

        /** The job never reached an upstream (every deployment it could use was full): {@link #putBack}. */
        public static Finish putBack(String id, String owner, long runAfter, long now) {
            return new Finish(id, owner, JobStatus.PENDING, null, runAfter, now, true);
        }
    }

    /**
     * Group commit: inserts {@code jobs} and applies {@code finishes} (each only while its owner holds the lease) in one
     * transaction. When an insert fails nothing is written and it throws. Returns, per finish, whether it applied.
     */
    boolean[] write(List<Job> jobs, List<Finish> finishes);

    /**
     * As {@link #write(List, List)}; a store that {@link #announcesEnds()} also tells other instances, in the same
     * transaction, about each job it ended whose {@code announce} flag is set (one per finish).
     */
    default boolean[] write(List<Job> jobs, List<Finish> finishes, boolean[] announce) {
        return write(jobs, finishes);
    }

    /**
     * One thread (the {@link JobWriter}'s) will now run {@link #write} and {@link #claim} often, one call at a time: a
     * store may keep a connection and its prepared statements for them until {@link #releaseWriterConnection()}.
     */
    default void holdWriterConnection() {}

    /** Gives back what {@link #holdWriterConnection()} kept. */
    default void releaseWriterConnection() {}

    /** True when {@link #write(List, List, boolean[])} announces the ends it commits (PostgreSQL's NOTIFY). */
    default boolean announcesEnds() {
        return false;
    }

    /** Jobs that ended but whose callback was not delivered yet, earliest ended first. */
    List<Job> pendingCallbacks(int limit);

    void recordCallback(String id, Job.CallbackStatus status, long now);
}
