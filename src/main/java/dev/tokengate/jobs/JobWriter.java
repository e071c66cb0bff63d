package dev.tokengate.jobs;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of the job queue's writes. Submitted jobs, finished (or put back) attempts and claims queue here; one
 * thread takes everything queued, writes the inserts and finishes in one transaction ({@link JobStore#write}), then
 * runs the tasks (the engine's claims), and only then answers each caller on its own context. So nothing is answered before it is durable, PostgreSQL commits
 * (and syncs its log) once per group instead of once per job, and SQLite's single writer lock is never fought over
 * by the queue's own transactions (a loser would sleep in its busy handler).
 */
final class JobWriter {
    private static final Logger LOG = LoggerFactory.getLogger(JobWriter.class);
    private static final int MAX_GROUP = 1000;

    private sealed interface Op permits Insert, Change, Task, Stop {}

    private record Insert(List<Job> jobs, Context ctx, Promise<Void> done) implements Op {}

    /** @param announce tell other instances when it ends the job (in the same transaction, if the store can) */
    private record Change(JobStore.Finish finish, boolean announce, Context ctx, Promise<Boolean> done) implements Op {}

    private record Task<T>(Callable<T> work, Context ctx, Promise<T> done) implements Op {
        void run() {
            try {
                answer(ctx, done, work.call());
            } catch (Exception e) {
                fail(ctx, done, e);
            }
        }
    }

    private record Stop() implements Op {}

    private final Vertx vertx;
    private final JobStore store;
    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    private final Thread thread;

    JobWriter(Vertx vertx, JobStore store) {
        this.vertx = vertx;
        this.store = store;
        store.holdWriterConnection();
        this.thread = Thread.ofPlatform().daemon().name("tokengate-job-writer").start(this::loop);
    }

    /** Inserts the jobs in one transaction (shared with other writes; a failing insert fails only its own call). */
    Future<Void> insert(List<Job> jobs) {
        Promise<Void> p = Promise.promise();
        queue.add(new Insert(jobs, vertx.getOrCreateContext(), p));
        return p.future();
    }

    /**
     * Applies the finish (or put-back) if its owner still holds the lease; true when it did. With {@code announce}, a
     * store that {@link JobStore#announcesEnds() announces ends} tells other instances in the same transaction.
     */
    Future<Boolean> finish(JobStore.Finish finish, boolean announce) {
        Promise<Boolean> p = Promise.promise();
        queue.add(new Change(finish, announce, vertx.getOrCreateContext(), p));
        return p.future();
    }

    /**
     * Runs the work (a claim) on the writer's thread after the writes queued before it, so the queue's own statements
     * never wait on each other for SQLite's writer lock.
     */
    <T> Future<T> run(Callable<T> work) {
        Promise<T> p = Promise.promise();
        queue.add(new Task<>(work, vertx.getOrCreateContext(), p));
        return p.future();
    }

    /** Writes what is queued, then stops the thread. */
    void close() {
        queue.add(new Stop());
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.releaseWriterConnection();
    }

    private void loop() {
        List<Op> group = new ArrayList<>();
        while (true) {
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(group, MAX_GROUP - 1);
            boolean stop = group.removeIf(op -> op instanceof Stop);
            try {
                write(group);
            } catch (RuntimeException e) {
                LOG.error("job writer: unexpected failure", e);
            }
            group.clear();
            if (stop) return;
        }
    }

    private void write(List<Op> group) {
        List<Insert> inserts = new ArrayList<>();
        List<Change> changes = new ArrayList<>();
        List<Task<?>> tasks = new ArrayList<>();
        for (Op op : group) {
            switch (op) {
                case Insert i -> inserts.add(i);
                case Change c -> changes.add(c);
                case Task<?> t -> tasks.add(t);
                case Stop s -> { }
            }
        }
        if (!inserts.isEmpty() || !changes.isEmpty()) {
            try {
                List<Job> jobs = new ArrayList<>();
                inserts.forEach(i -> jobs.addAll(i.jobs()));
                boolean[] announce = new boolean[changes.size()];
                for (int k = 0; k < announce.length; k++) announce[k] = changes.get(k).announce();
                boolean[] applied = store.write(jobs, changes.stream().map(Change::finish).toList(), announce);
                inserts.forEach(i -> answer(i.ctx(), i.done(), null));
                for (int k = 0; k < applied.length; k++) answer(changes.get(k).ctx(), changes.get(k).done(), applied[k]);
            } catch (RuntimeException e) {
                if (inserts.size() + changes.size() == 1) {
                    inserts.forEach(i -> fail(i.ctx(), i.done(), e));
                    changes.forEach(c -> fail(c.ctx(), c.done(), e));
                } else {
                    // one bad insert (a duplicate idempotency key) must not fail the others: write each on its own
                    inserts.forEach(i -> write(List.of(i)));
                    changes.forEach(c -> write(List.of(c)));
                }
            }
        }
        tasks.forEach(Task::run);
    }

    private static <T> void answer(Context ctx, Promise<T> p, T value) {
        ctx.runOnContext(v -> p.complete(value));
    }

    private static void fail(Context ctx, Promise<?> p, Throwable e) {
        ctx.runOnContext(v -> p.fail(e));
    }
}
