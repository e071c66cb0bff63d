package dev.tokengate.store.memory;

import dev.tokengate.batches.Batch;
import dev.tokengate.batches.BatchCounts;
import dev.tokengate.batches.BatchStatus;
import dev.tokengate.batches.BatchStore;
import dev.tokengate.jobs.Job;
import dev.tokengate.jobs.JobStatus;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Batches in memory; items live in the {@link MemoryJobStore} like every job. */
public final class MemoryBatchStore implements BatchStore {
    private final MemoryJobStore jobs;
    private final Map<String, Batch> batches = new LinkedHashMap<>();

    public MemoryBatchStore(MemoryJobStore jobs) {
        this.jobs = jobs;
    }

    @Override
    public void create(Batch batch, List<Job> items) {
        synchronized (jobs) {
            synchronized (this) {
                if (batches.containsKey(batch.id())) throw new IllegalStateException("duplicate batch id");
                jobs.insert(items);
                batches.put(batch.id(), batch);
            }
        }
    }

    @Override
    public synchronized Optional<Batch> find(String id) {
        return Optional.ofNullable(batches.get(id));
    }

    @Override
    public synchronized List<Batch> list(String userId, String api, String after, String before, int limit, boolean ascending) {
        Comparator<Batch> order = Comparator.comparingLong(Batch::createdAt).thenComparing(Batch::id);
        if (!ascending) order = order.reversed();
        List<Batch> mine = batches.values().stream().filter(b -> b.userId().equals(userId) && b.api().equals(api)).sorted(order).toList();
        List<String> ids = mine.stream().map(Batch::id).toList();
        // like the SQL stores: a cursor that is not one of these batches matches nothing
        if ((after != null && !ids.contains(after)) || (before != null && !ids.contains(before))) return List.of();
        int from = after == null ? 0 : ids.indexOf(after) + 1;
        int to = before == null ? ids.size() : ids.indexOf(before);
        if (from >= to) return List.of();
        return mine.subList(from, to).stream().limit(limit).toList();
    }

    @Override
    public BatchCounts counts(String batchId) {
        int pending = 0, running = 0, completed = 0, failed = 0, cancelled = 0;
        long prompt = 0, completion = 0;
        Long ttft = null;
        List<Job> items = jobs.byBatch(batchId);
        for (Job j : items) {
            switch (j.status()) {
                case PENDING -> pending++;
                case ASSIGNED -> running++;
                case COMPLETED -> completed++;
                case FAILED -> failed++;
                case CANCELLED -> cancelled++;
            }
            if (j.status() == JobStatus.COMPLETED && j.outcome() != null) {
                prompt += j.outcome().promptTokens();
                completion += j.outcome().completionTokens();
                if (j.outcome().ttftNs() != null && (ttft == null || j.outcome().ttftNs() < ttft)) ttft = j.outcome().ttftNs();
            }
        }
        java.util.Set<String> models = new java.util.HashSet<>();
        items.forEach(j -> models.add(j.model()));
        return new BatchCounts(items.size(), pending, running, completed, failed, cancelled, prompt, completion, ttft,
                models.size() == 1 ? models.iterator().next() : null);
    }

    @Override
    public boolean hasActiveItems(String batchId) {
        return jobs.byBatch(batchId).stream().anyMatch(j -> j.status() == JobStatus.PENDING || j.status() == JobStatus.ASSIGNED);
    }

    @Override
    public List<Job> items(String batchId) {
        return jobs.byBatch(batchId);
    }

    @Override
    public synchronized boolean transition(String id, List<BatchStatus> from, BatchStatus to, long now, Long ttftNs,
                                           Long totalDurationNs, String outputFileId, String errorFileId) {
        Batch b = batches.get(id);
        if (b == null || !from.contains(b.status())) return false;
        batches.put(id, new Batch(b.id(), b.userId(), b.api(), to, b.agentId(), b.endpoint(), b.inputFileId(),
                outputFileId != null ? outputFileId : b.outputFileId(), errorFileId != null ? errorFileId : b.errorFileId(),
                b.completionWindow(), b.metadata(), b.errors(), b.callbackUrl(),
                to.active() || b.callbackUrl() == null ? b.callbackStatus() : new Job.CallbackStatus("pending", 0, null, null, null),
                b.total(), ttftNs != null ? ttftNs : b.ttftNs(), totalDurationNs != null ? totalDurationNs : b.totalDurationNs(),
                b.createdAt(), now,
                to == BatchStatus.IN_PROGRESS ? Long.valueOf(now) : b.inProgressAt(),
                to == BatchStatus.FINALIZING ? Long.valueOf(now) : b.finalizingAt(),
                to == BatchStatus.COMPLETED ? Long.valueOf(now) : b.completedAt(),
                to == BatchStatus.FAILED ? Long.valueOf(now) : b.failedAt(),
                to == BatchStatus.CANCELLING ? Long.valueOf(now) : b.cancellingAt(),
                to == BatchStatus.CANCELLED ? Long.valueOf(now) : b.cancelledAt(),
                b.expiresAt(), to == BatchStatus.EXPIRED ? Long.valueOf(now) : b.expiredAt()));
        return true;
    }

    @Override
    public synchronized boolean retakeFinalizing(String id, long staleBefore, long now) {
        Batch b = batches.get(id);
        if (b == null || b.status() != BatchStatus.FINALIZING || b.finalizingAt() == null || b.finalizingAt() >= staleBefore) return false;
        batches.put(id, new Batch(b.id(), b.userId(), b.api(), b.status(), b.agentId(), b.endpoint(), b.inputFileId(),
                b.outputFileId(), b.errorFileId(), b.completionWindow(), b.metadata(), b.errors(), b.callbackUrl(),
                b.callbackStatus(), b.total(), b.ttftNs(), b.totalDurationNs(), b.createdAt(), now, b.inProgressAt(), now,
                b.completedAt(), b.failedAt(), b.cancellingAt(), b.cancelledAt(), b.expiresAt(), b.expiredAt()));
        return true;
    }

    @Override
    public int cancelPendingItems(String batchId, String reason, long now) {
        return jobs.cancelPending(batchId, reason, now);
    }

    @Override
    public synchronized List<String> activeBatchIds(int limit) {
        return batches.values().stream().filter(b -> b.status().active())
                .sorted(Comparator.comparingLong(Batch::createdAt).thenComparing(Batch::id))
                .limit(limit).map(Batch::id).toList();
    }

    @Override
    public synchronized void recordCallback(String id, Job.CallbackStatus status, long now) {
        Batch b = batches.get(id);
        if (b == null) return;
        batches.put(id, new Batch(b.id(), b.userId(), b.api(), b.status(), b.agentId(), b.endpoint(), b.inputFileId(),
                b.outputFileId(), b.errorFileId(), b.completionWindow(), b.metadata(), b.errors(), b.callbackUrl(), status,
                b.total(), b.ttftNs(), b.totalDurationNs(), b.createdAt(), now, b.inProgressAt(), b.finalizingAt(),
                b.completedAt(), b.failedAt(), b.cancellingAt(), b.cancelledAt(), b.expiresAt(), b.expiredAt()));
    }

    @Override
    public boolean deleteEnded(String id) {
        synchronized (jobs) {
            synchronized (this) {
                Batch b = batches.get(id);
                if (b == null || b.status().active()) return false;
                batches.remove(id);
                jobs.removeBatch(id);
                return true;
            }
        }
    }
}
