package dev.tokengate.store.memory;

import dev.tokengate.jobs.Job;
import dev.tokengate.jobs.JobStatus;
import dev.tokengate.jobs.JobStore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/** The job queue in memory: one lock, the same semantics as the SQL stores. */
public final class MemoryJobStore implements JobStore {
    private final Map<String, Job> jobs = new LinkedHashMap<>();

    @Override
    public synchronized void insert(List<Job> list) {
        Set<String> ids = new HashSet<>();
        Set<List<String>> keys = new HashSet<>();
        for (Job j : list) {
            if (jobs.containsKey(j.id()) || !ids.add(j.id())) throw new IllegalStateException("duplicate job id " + j.id());
            if (j.idempotencyKey() != null && (findByIdempotencyKey(j.userId(), j.idempotencyKey()).isPresent()
                    || !keys.add(List.of(j.userId(), j.idempotencyKey())))) {
                throw new IllegalStateException("duplicate idempotency key");
            }
        }
        for (Job j : list) jobs.put(j.id(), j);
    }

    @Override
    public synchronized Optional<Job> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    @Override
    public synchronized Optional<Job> findByIdempotencyKey(String userId, String key) {
        return jobs.values().stream().filter(j -> j.userId().equals(userId) && key.equals(j.idempotencyKey())).findFirst();
    }

    @Override
    public synchronized List<Job> claim(String owner, long now, long leaseUntil, int limit) {
        return claim(owner, now, leaseUntil, limit, (String) null);
    }

    @Override
    public synchronized List<Job> claim(String owner, long now, long leaseUntil, int limit, String model) {
        List<Job> due = jobs.values().stream()
                .filter(j -> model == null || model.equals(j.model()))
                .filter(j -> (j.status() == JobStatus.PENDING && j.runAfter() <= now)
                        || (j.status() == JobStatus.ASSIGNED && j.leaseExpiresAt() != null && j.leaseExpiresAt() < now))
                .sorted(Comparator.comparingLong(Job::runAfter).thenComparingLong(Job::createdAt).thenComparing(Job::id))
                .limit(limit).toList();
        List<Job> out = new ArrayList<>();
        for (Job j : due) {
            Job leased = with(j, JobStatus.ASSIGNED, owner, leaseUntil, j.attempts() + 1, j.runAfter(), j.outcome(), j.callbackStatus(), now, j.completedAt());
            jobs.put(j.id(), leased);
            out.add(leased);
        }
        return out;
    }

    @Override
    public synchronized int renewLeases(String owner, long leaseUntil, long now) {
        return update(j -> j.status() == JobStatus.ASSIGNED && owner.equals(j.leaseOwner()),
                j -> with(j, j.status(), owner, leaseUntil, j.attempts(), j.runAfter(), j.outcome(), j.callbackStatus(), j.updatedAt(), j.completedAt()));
    }

    @Override
    public synchronized int release(String owner, long now) {
        return update(j -> j.status() == JobStatus.ASSIGNED && owner.equals(j.leaseOwner()),
                j -> with(j, JobStatus.PENDING, null, null, j.attempts(), now, j.outcome(), j.callbackStatus(), now, null));
    }

    @Override
    public synchronized int releaseAll(long now) {
        return update(j -> j.status() == JobStatus.ASSIGNED,
                j -> with(j, JobStatus.PENDING, null, null, j.attempts(), now, j.outcome(), j.callbackStatus(), now, null));
    }

    @Override
    public synchronized boolean complete(String id, String owner, Job.Outcome outcome, long now) {
        return finish(id, owner, JobStatus.COMPLETED, outcome, now);
    }

    @Override
    public synchronized boolean fail(String id, String owner, Job.Outcome outcome, long now) {
        return finish(id, owner, JobStatus.FAILED, outcome, now);
    }

    private boolean finish(String id, String owner, JobStatus status, Job.Outcome outcome, long now) {
        Job j = jobs.get(id);
        if (j == null || j.status() != JobStatus.ASSIGNED || !owner.equals(j.leaseOwner())) return false;
        Job.CallbackStatus cb = j.callback() == null ? j.callbackStatus()
                : new Job.CallbackStatus("pending", j.callbackStatus().attempts(), null, null, null);
        jobs.put(id, with(j, status, null, null, j.attempts(), j.runAfter(), outcome, cb, now, now));
        return true;
    }

    @Override
    public synchronized boolean retryLater(String id, String owner, long runAfter, Job.Outcome lastError, long now) {
        Job j = jobs.get(id);
        if (j == null || j.status() != JobStatus.ASSIGNED || !owner.equals(j.leaseOwner())) return false;
        jobs.put(id, with(j, JobStatus.PENDING, null, null, j.attempts(), runAfter, lastError, j.callbackStatus(), now, null));
        return true;
    }

    @Override
    public synchronized boolean putBack(String id, String owner, long runAfter, long now) {
        Job j = jobs.get(id);
        if (j == null || j.status() != JobStatus.ASSIGNED || !owner.equals(j.leaseOwner())) return false;
        jobs.put(id, with(j, JobStatus.PENDING, null, null, j.attempts() - 1, runAfter, j.outcome(), j.callbackStatus(), now, null));
        return true;
    }

    @Override
    public synchronized boolean[] write(List<Job> list, List<Finish> finishes) {
        if (!list.isEmpty()) insert(list);
        boolean[] applied = new boolean[finishes.size()];
        for (int i = 0; i < applied.length; i++) {
            Finish f = finishes.get(i);
            if (f.putBack()) applied[i] = putBack(f.id(), f.owner(), f.runAfter(), f.now());
            else if (f.status() == JobStatus.PENDING) applied[i] = retryLater(f.id(), f.owner(), f.runAfter(), f.outcome(), f.now());
            else applied[i] = finish(f.id(), f.owner(), f.status(), f.outcome(), f.now());
        }
        return applied;
    }

    @Override
    public synchronized List<Job> pendingCallbacks(int limit) {
        return jobs.values().stream().filter(j -> "pending".equals(j.callbackStatus().state()))
                .sorted(Comparator.comparing(Job::completedAt, Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(Job::id))
                .limit(limit).toList();
    }

    @Override
    public synchronized void recordCallback(String id, Job.CallbackStatus status, long now) {
        Job j = jobs.get(id);
        if (j != null) jobs.put(id, with(j, j.status(), j.leaseOwner(), j.leaseExpiresAt(), j.attempts(), j.runAfter(), j.outcome(), status, now, j.completedAt()));
    }

    /** Items of a batch, in id order (batch item ids sort in creation order). */
    public synchronized List<Job> byBatch(String batchId) {
        return jobs.values().stream().filter(j -> batchId.equals(j.batchId())).sorted(Comparator.comparing(Job::id)).toList();
    }

    public synchronized void removeBatch(String batchId) {
        jobs.values().removeIf(j -> batchId.equals(j.batchId()));
    }

    public synchronized int cancelPending(String batchId, String reason, long now) {
        return update(j -> batchId.equals(j.batchId()) && j.status() == JobStatus.PENDING,
                j -> with(j, JobStatus.CANCELLED, null, null, j.attempts(), j.runAfter(),
                        Job.Outcome.failure(reason, "batch_cancelled", 499), j.callbackStatus(), now, now));
    }

    private int update(java.util.function.Predicate<Job> which, UnaryOperator<Job> change) {
        int n = 0;
        for (var e : jobs.entrySet()) {
            if (which.test(e.getValue())) {
                e.setValue(change.apply(e.getValue()));
                n++;
            }
        }
        return n;
    }

    private static Job with(Job j, JobStatus status, String owner, Long leaseUntil, int attempts, long runAfter,
                            Job.Outcome outcome, Job.CallbackStatus cb, long updatedAt, Long completedAt) {
        return new Job(j.id(), j.userId(), j.kind(), j.batchId(), j.customId(), status, j.model(), j.request(), j.outputSchema(),
                j.cacheTtlSeconds(), j.idempotencyKey(), j.callback(), attempts, owner, leaseUntil, runAfter, outcome, cb,
                j.createdAt(), updatedAt, completedAt);
    }
}
