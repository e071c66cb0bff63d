package dev.tokengate.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.accounts.Secrets;
import dev.tokengate.accounts.User;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.pipeline.DeploymentSlots;
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
 * ends: in-process at once, on other instances through {@link JobSignals}. Inserts, outcomes and claims go through
 * one {@link JobWriter}, which commits whatever is queued as one group. A job starts only while its model has room
 * under its deployments' {@code max_concurrency} ({@link JobSlots}); the others stay queued.
 */
public final class JobEngine {
    private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);
    private static final long SCAN_INTERVAL_MS = 1000;
    /** A job put back because every deployment it could use was full waits this long before it is claimed again. */
    private static final long WAIT_FOR_SLOT_MS = 1000;

    private final Vertx vertx;
    private final JobStore store;
    private final JobRunner runner;
    private final JobSignals signals;
    private final InstantSource clock;
    private final Function<String, Future<User>> users;
    private final JobSlots slots;
    private final int capacity;
    private final long leaseMs;
    private final int maxAttempts;
    private final Tracing tracing;
    private final String owner = "w_" + Secrets.randomToken(9);
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean wakeAgain = new AtomicBoolean();
    /** Set when due jobs may be waiting in the store; a slot freed by a finished job claims only then. */
    private final AtomicBoolean maybeQueued = new AtomicBoolean(true);
    /** Set while a claim by model left a model without room and its jobs may be queued: a freed slot claims then. */
    private final AtomicBoolean waitingForRoom = new AtomicBoolean();
    /**
     * Whether the last claim filled every slot it held, so a backlog is likely: the next claim then holds all free
     * slots. Otherwise a claim holds half of them, since slots held by a claim in flight are none a submit can start
     * its job in (the job would be queued and need a claim of its own).
     */
    private volatile boolean backlog = true;
    /** Jobs running here: a caller waiting for one of them is woken when it ends, without reading the store first. */
    private final java.util.Set<String> running = ConcurrentHashMap.newKeySet();
    private final JobWriter writer;
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
        this(vertx, store, runner, signals, clock, users, config, tracing, JobSlots.unbounded());
    }

    public JobEngine(Vertx vertx, JobStore store, JobRunner runner, JobSignals signals, InstantSource clock,
                     Function<String, Future<User>> users, GatewayConfig.Jobs config, Tracing tracing, JobSlots slots) {
        this.vertx = vertx;
        this.tracing = tracing;
        this.slots = slots;
        this.store = store;
        this.runner = runner;
        this.signals = signals;
        this.clock = clock;
        this.users = users;
        this.capacity = config.workers();
        this.leaseMs = config.leaseSeconds() * 1000L;
        this.maxAttempts = config.maxAttempts();
        this.writer = new JobWriter(vertx, store);
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
        // most ends announced are of jobs nobody here waits for (this instance's own, among them): no event-loop hop for
        // those. A caller registering after this check reads the job itself (awaitEnd), and the end is committed by now.
        signals.subscribe(id -> {
            if (waiters.containsKey(id)) vertx.runOnContext(v -> wakeWaiters(id));
        }, () -> vertx.runOnContext(v -> wakeQueued()));
        scanTimer = vertx.setPeriodic(SCAN_INTERVAL_MS, t -> wakeQueued());
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
        writer.close();
        try {
            store.release(owner, clock.millis());
        } catch (RuntimeException e) {
            LOG.warn("could not release leased jobs on shutdown: {}", e.getMessage());
        }
    }

    /** Stores the jobs (one transaction), then starts those that fit in free slots and their model's room. */
    public Future<List<Job>> submit(List<Job> jobs) {
        int take = reserve(jobs.size());
        long now = clock.millis();
        List<Job> stored = new ArrayList<>(jobs.size());
        List<Job> leased = new ArrayList<>(take);
        for (Job job : jobs) {
            if (leased.size() < take && slots.tryStart(job.model())) {
                leased.add(job.leasedTo(owner, now + leaseMs));
                stored.add(leased.getLast());
            } else {
                stored.add(job);
            }
        }
        busy.addAndGet(leased.size() - take);
        leased.forEach(j -> running.add(j.id()));
        return writer.insert(stored).map(v -> stored).onFailure(e -> {
            busy.addAndGet(-leased.size());
            leased.forEach(j -> {
                running.remove(j.id());
                slotFreed(j.model());
            });
        }).onSuccess(list -> {
            leased.forEach(this::execute);
            if (leased.size() < list.size()) {
                signals.publishQueued();
                wakeQueued();
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
        vertx.runOnContext(v -> wakeQueued());
    }

    /** Due jobs may be in the store (new work, a retry's deadline, the periodic scan for expired leases): claim. */
    private void wakeQueued() {
        maybeQueued.set(true);
        wake();
    }

    /** A job of the model no longer holds a slot: a model a claim found without room may have room now. */
    private void slotFreed(String model) {
        slots.ended(model, 1);
        if (waitingForRoom.get()) maybeQueued.set(true);
    }

    /** Claims due jobs into free slots. Never runs two claims at once; a wake during a claim triggers one more. */
    void wake() {
        if (stopped || !maybeQueued.get()) return;
        if (!claiming.compareAndSet(false, true)) {
            wakeAgain.set(true);
            return;
        }
        int free = reserve(backlog ? capacity : Math.max(1, (capacity - busy.get()) / 2));
        if (free == 0) {
            claiming.set(false);
            return;
        }
        long now = clock.millis();
        boolean byModel = slots.limits(free);
        // cleared before the claim: work queued while it runs sets it again
        maybeQueued.set(false);
        // set during a claim by model too, so a slot freed while it runs is not missed
        if (byModel) waitingForRoom.set(true);
        writer.run(() -> byModel ? claimByModel(now, free) : claimAny(now, free)).onComplete(ar -> {
            List<Job> got = ar.succeeded() ? ar.result().jobs() : List.of();
            if (ar.failed()) LOG.warn("claiming jobs failed: {}", ar.cause().getMessage());
            // a full claim may have left more behind; a failed one is tried again
            if (got.size() == free || ar.failed()) maybeQueued.set(true);
            backlog = got.size() == free && ar.succeeded();
            waitingForRoom.set(ar.succeeded() && ar.result().heldBack());
            busy.addAndGet(got.size() - free);
            got.forEach(j -> running.add(j.id()));
            claiming.set(false);
            got.forEach(this::execute);
            if (wakeAgain.getAndSet(false) || (got.size() == free && ar.succeeded())) wake();
        });
    }

    /**
     * The jobs a claim leased; {@code heldBack} when a model had less room than the claim could have taken, so due jobs
     * of it may still be queued (claimed again once one of its slots frees up).
     */
    private record Claimed(List<Job> jobs, boolean heldBack) {}

    /** Runs on the writer's thread. */
    private Claimed claimAny(long now, int free) {
        List<Job> got = store.claim(owner, now, now + leaseMs, free);
        got.forEach(j -> slots.started(j.model()));
        return new Claimed(got, false);
    }

    /** Claims model by model, each at most its room, so a model without room blocks no other. Runs on the writer's thread. */
    private Claimed claimByModel(long now, int free) {
        List<Job> got = new ArrayList<>();
        boolean heldBack = false;
        for (String model : slots.claimOrder()) {
            int wanted = free - got.size();
            int room = slots.take(model, wanted);
            if (room == 0) {
                heldBack = true;
                continue;
            }
            List<Job> some = List.of();
            try {
                some = store.claim(owner, now, now + leaseMs, room, model);
            } catch (RuntimeException e) {
                // what was claimed already must still run
                LOG.warn("claiming jobs of {} failed: {}", model, e.getMessage());
                heldBack = true;
                break;
            } finally {
                slots.ended(model, room - some.size());
            }
            // it took all its room and might have taken more
            if (some.size() == room && room < wanted) heldBack = true;
            got.addAll(some);
            if (got.size() == free) break;
        }
        return new Claimed(got, heldBack);
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
            slotFreed(job.model());
            long now = clock.millis();
            JobStore.Finish finish;
            if (ar.succeeded()) {
                finish = new JobStore.Finish(job.id(), owner, JobStatus.COMPLETED, ar.result(), job.runAfter(), now);
            } else if (DeploymentSlots.isAllBusy(ar.cause())) {
                // it never reached an upstream: back in the queue without spending the attempt
                finish = JobStore.Finish.putBack(job.id(), owner, now + WAIT_FOR_SLOT_MS, now);
            } else {
                ApiException e = ar.cause() instanceof JobRunner.PermanentFailure p ? p.error() : asApi(ar.cause());
                boolean retry = !(ar.cause() instanceof JobRunner.PermanentFailure) && e.kind().retryable() && job.attempts() < maxAttempts;
                Job.Outcome failure = Job.Outcome.failure(e.getMessage(), e.code() == null ? e.kind().type() : e.code(), e.kind().status());
                finish = retry
                        ? new JobStore.Finish(job.id(), owner, JobStatus.PENDING, failure,
                                now + backoffMillis(job.attempts(), e.retryAfterSeconds()), now)
                        : new JobStore.Finish(job.id(), owner, JobStatus.FAILED, failure, job.runAfter(), now);
            }
            boolean ends = finish.status() != JobStatus.PENDING;
            // only sync job-API callers wait (awaitEnd); nobody waits for a batch item
            boolean announce = ends && !"batch_item".equals(job.kind());
            // PostgreSQL sends the NOTIFY in the outcome's own transaction; otherwise it is published after the commit
            boolean storeAnnounces = announce && store.announcesEnds();
            writer.finish(finish, storeAnnounces).onComplete(stored -> {
                busy.decrementAndGet();
                running.remove(job.id());
                boolean applied = stored.succeeded() && stored.result();
                if (stored.failed()) LOG.warn("recording job {} failed: {}", job.id(), stored.cause().getMessage());
                if (applied && ends) ended(job.after(finish), announce && !storeAnnounces);
                // callers waiting on a job whose attempt failed in a retryable way learn it is queued for retry; a job
                // put back only waits for a slot, so its callers keep waiting for its end
                if (applied && !ends && !finish.putBack()) wakeWaiters(job.id());
                // the job is due again at runAfter: claim then (the periodic scan would catch it too)
                if (!ends) vertx.setTimer(Math.max(1, finish.runAfter() - clock.millis()), t -> wakeQueued());
                // the store refused the outcome (the lease moved on, or it failed): let the scan find what is due
                if (!applied) maybeQueued.set(true);
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

    /**
     * @param job     the job as now stored: its outcome is committed
     * @param publish tell other instances (when the store did not, in the outcome's transaction)
     */
    private void ended(Job job, boolean publish) {
        if (publish) signals.publishDone(job.id());
        List<Promise<Job>> local = waiters.remove(job.id());
        if (local != null) local.forEach(p -> p.tryComplete(job));
        onEnd.forEach(l -> l.accept(job));
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
        // registered before this check, so a job running here cannot end unnoticed; any other job may have ended already
        if (!running.contains(jobId)) {
            blocking(() -> store.find(jobId)).onComplete(ar -> {
                if (ar.failed()) p.tryFail(ar.cause());
                else if (ar.result().isEmpty()) p.tryFail(ApiException.notFound("Job " + jobId + " not found."));
                else if (ar.result().get().status().terminal()) p.tryComplete(ar.result().get());
            });
        }
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
