package dev.tokengate.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.accounts.Secrets;
import dev.tokengate.accounts.User;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable job queue's worker. Submitted jobs are stored first; as many as there are free slots are stored already
 * leased to this instance and start at once, the rest wait in the queue. Free slots claim due jobs (also those whose
 * worker died: their lease expired). Leases are renewed while jobs run. Callers waiting for a job are woken when it
 * ends: in-process at once, on other instances through {@link JobSignals}.
 */
public final class JobEngine {
    private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);
    private static final long SCAN_INTERVAL_MS = 1000;

    private final Vertx vertx;
    private final JobStore store;
    private final JobRunner runner;
    private final JobSignals signals;
    private final InstantSource clock;
    private final Function<String, Future<User>> users;
    private final int capacity;
    private final long leaseMs;
    private final int maxAttempts;
    private final Tracing tracing;
    private final String owner = "w_" + Secrets.randomToken(9);
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean wakeAgain = new AtomicBoolean();
    private final ConcurrentHashMap<String, List<Promise<Job>>> waiters = new ConcurrentHashMap<>();
    private final List<Consumer<Job>> onEnd = new CopyOnWriteArrayList<>();
    private volatile boolean stopped;
    private long scanTimer = -1;
    private long heartbeatTimer = -1;

    public JobEngine(Vertx vertx, JobStore store, JobRunner runner, JobSignals signals, InstantSource clock,
                     Function<String, Future<User>> users, GatewayConfig.Jobs config) {
        this(vertx, store, runner, signals, clock, users, config, Tracing.OFF);
    }

    public JobEngine(Vertx vertx, JobStore store, JobRunner runner, JobSignals signals, InstantSource clock,
                     Function<String, Future<User>> users, GatewayConfig.Jobs config, Tracing tracing) {
        this.vertx = vertx;
        this.tracing = tracing;
        this.store = store;
        this.runner = runner;
        this.signals = signals;
        this.clock = clock;
        this.users = users;
        this.capacity = config.workers();
        this.leaseMs = config.leaseSeconds() * 1000L;
        this.maxAttempts = config.maxAttempts();
    }

    /** Listeners hear about every job this instance ended (completed or failed), after it is stored. */
    public void onJobEnded(Consumer<Job> listener) {
        onEnd.add(listener);
    }

    /**
     * @param soleInstance true when no other instance can share this store (SQLite, memory): jobs still leased by a
     *                     previous run are then put back in the queue at once instead of after their lease expires
     */
    public void start(boolean soleInstance) {
        if (soleInstance) {
            int released = store.releaseAll(clock.millis());
            if (released > 0) LOG.info("re-queued {} jobs left running by the previous run", released);
        }
        signals.subscribe(id -> vertx.runOnContext(v -> wakeWaiters(id)), () -> vertx.runOnContext(v -> wake()));
        scanTimer = vertx.setPeriodic(SCAN_INTERVAL_MS, t -> wake());
        heartbeatTimer = vertx.setPeriodic(Math.max(1000, leaseMs / 3), t -> {
            if (busy.get() > 0) blocking(() -> store.renewLeases(owner, clock.millis() + leaseMs, clock.millis()));
        });
        vertx.runOnContext(v -> wake());
    }

    /** Stops claiming and puts the jobs this instance holds back in the queue, so another run picks them up at once. */
    public void stop() {
        stopped = true;
        if (scanTimer >= 0) vertx.cancelTimer(scanTimer);
        if (heartbeatTimer >= 0) vertx.cancelTimer(heartbeatTimer);
        signals.close();
        try {
            store.release(owner, clock.millis());
        } catch (RuntimeException e) {
            LOG.warn("could not release leased jobs on shutdown: {}", e.getMessage());
        }
    }

    /** Stores the jobs (one transaction), then starts those that fit in free slots. */
    public Future<List<Job>> submit(List<Job> jobs) {
        int take = reserve(jobs.size());
        long now = clock.millis();
        List<Job> stored = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) stored.add(i < take ? jobs.get(i).leasedTo(owner, now + leaseMs) : jobs.get(i));
        return blocking(() -> {
            store.insert(stored);
            return stored;
        }).onFailure(e -> busy.addAndGet(-take)).onSuccess(list -> {
            for (int i = 0; i < take; i++) execute(list.get(i));
            if (take < list.size()) {
                signals.publishQueued();
                wake();
            }
        });
    }

    private int reserve(int wanted) {
        while (true) {
            int b = busy.get();
            int take = Math.max(0, Math.min(wanted, capacity - b));
            if (take == 0 || busy.compareAndSet(b, b + take)) return take;
        }
    }

    /** New work was stored directly (for example a batch's items): claim it here and tell other instances. */
    public void kick() {
        signals.publishQueued();
        vertx.runOnContext(v -> wake());
    }

    /** Claims due jobs into free slots. Never runs two claims at once; a wake during a claim triggers one more. */
    void wake() {
        if (stopped) return;
        if (!claiming.compareAndSet(false, true)) {
            wakeAgain.set(true);
            return;
        }
        int free = reserve(capacity);
        if (free == 0) {
            claiming.set(false);
            return;
        }
        long now = clock.millis();
        blocking(() -> store.claim(owner, now, now + leaseMs, free)).onComplete(ar -> {
            List<Job> got = ar.succeeded() ? ar.result() : List.of();
            if (ar.failed()) LOG.warn("claiming jobs failed: {}", ar.cause().getMessage());
            busy.addAndGet(got.size() - free);
            claiming.set(false);
            got.forEach(this::execute);
            if (wakeAgain.getAndSet(false) || (got.size() == free && ar.succeeded())) wake();
        });
    }

    /** Runs one leased job (its slot is already counted), after its queue wait is traced. */
    private void execute(Job job) {
        // a job is leased for leaseMs from the moment it is claimed (or submitted straight into a free slot)
        long claimedAt = job.leaseExpiresAt() == null ? clock.millis() : job.leaseExpiresAt() - leaseMs;
        tracing.claimed(new Tracing.QueuedJob(job.id(), job.kind(), job.batchId(), job.attempts(), job.runAfter(), claimedAt),
                () -> run(job));
    }

    /** Runs one leased job and records how it ended. */
    private void run(Job job) {
        users.apply(job.userId()).compose(user -> runner.run(job, user)).onComplete(ar -> {
            long now = clock.millis();
            Callable<Boolean> record;
            boolean ends;
            if (ar.succeeded()) {
                record = () -> store.complete(job.id(), owner, ar.result(), now);
                ends = true;
            } else {
                ApiException e = ar.cause() instanceof JobRunner.PermanentFailure p ? p.error() : asApi(ar.cause());
                boolean retry = !(ar.cause() instanceof JobRunner.PermanentFailure) && e.kind().retryable() && job.attempts() < maxAttempts;
                Job.Outcome failure = Job.Outcome.failure(e.getMessage(), e.code() == null ? e.kind().type() : e.code(), e.kind().status());
                if (retry) {
                    long runAfter = now + backoffMillis(job.attempts(), e.retryAfterSeconds());
                    record = () -> store.retryLater(job.id(), owner, runAfter, failure, now);
                    ends = false;
                } else {
                    record = () -> store.fail(job.id(), owner, failure, now);
                    ends = true;
                }
            }
            blocking(record).onComplete(stored -> {
                busy.decrementAndGet();
                if (stored.failed()) LOG.warn("recording job {} failed: {}", job.id(), stored.cause().getMessage());
                if (stored.succeeded() && stored.result() && ends) ended(job.id());
                // callers waiting on a job whose attempt failed in a retryable way learn it is queued for retry
                if (stored.succeeded() && stored.result() && !ends) wakeWaiters(job.id());
                if (!ends) vertx.setTimer(Math.max(1, backoffMillis(job.attempts(), null)), t -> wake());
                wake();
            });
        });
    }

    /** Anything but an ApiException is an infrastructure hiccup (storage, a lost connection): worth retrying. */
    private static ApiException asApi(Throwable t) {
        if (t instanceof ApiException a) return a;
        LOG.warn("job attempt failed: {}", t.toString());
        return new ApiException(ErrorKind.UNAVAILABLE, "The job could not run: " + t.getClass().getSimpleName(), null, "job_infrastructure_error");
    }

    static long backoffMillis(int attempt, Integer retryAfterSeconds) {
        long base = Math.min(60_000L, 1000L << Math.min(Math.max(attempt - 1, 0), 16));
        long jittered = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        return retryAfterSeconds == null ? jittered : Math.max(jittered, retryAfterSeconds * 1000L);
    }

    private void ended(String jobId) {
        signals.publishDone(jobId);
        List<Promise<Job>> local = waiters.remove(jobId);
        if (local == null && onEnd.isEmpty()) return;
        blocking(() -> store.find(jobId)).onSuccess(found -> found.ifPresent(job -> {
            if (local != null) local.forEach(p -> p.tryComplete(job));
            onEnd.forEach(l -> l.accept(job));
        }));
    }

    private void wakeWaiters(String jobId) {
        List<Promise<Job>> local = waiters.remove(jobId);
        if (local == null) return;
        blocking(() -> store.find(jobId)).onSuccess(found -> found.ifPresent(job -> local.forEach(p -> p.tryComplete(job))));
    }

    /**
     * Waits until the job ends or the timeout passes. Completes with the ended job, with null on timeout, and fails
     * with a 404 when the job does not exist (any more).
     */
    public Future<Job> awaitEnd(String jobId, long timeoutMs) {
        Promise<Job> p = Promise.promise();
        waiters.computeIfAbsent(jobId, k -> new CopyOnWriteArrayList<>()).add(p);
        long timer = vertx.setTimer(Math.max(1, timeoutMs), t -> p.tryComplete(null));
        blocking(() -> store.find(jobId)).onComplete(ar -> {
            if (ar.failed()) p.tryFail(ar.cause());
            else if (ar.result().isEmpty()) p.tryFail(ApiException.notFound("Job " + jobId + " not found."));
            else if (ar.result().get().status().terminal()) p.tryComplete(ar.result().get());
        });
        return p.future().andThen(x -> {
            vertx.cancelTimer(timer);
            List<Promise<Job>> list = waiters.get(jobId);
            if (list != null) {
                list.remove(p);
                if (list.isEmpty()) waiters.remove(jobId, list);
            }
        });
    }

    public Future<Optional<Job>> find(String id) {
        return blocking(() -> store.find(id));
    }

    public Future<Optional<Job>> findByIdempotencyKey(String userId, String key) {
        return blocking(() -> store.findByIdempotencyKey(userId, key));
    }

    public int busy() {
        return busy.get();
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    /** The parsed callback of a job, for senders: {"url","headers","payload"}. */
    public static JsonNode callbackOf(Job job) {
        return job.callback() == null ? null : dev.tokengate.core.Json.parseOrNull(job.callback());
    }
}
