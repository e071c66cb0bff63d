package dev.tokengate.billing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Balances shared by several gateways through one PostgreSQL database. The database is the only authority: a reserve
 * is one conditional update (exact however many instances reserve at once), stored as a hold owned by this instance.
 * Settlements go through the {@link LedgerWriter}, so the response does not wait for them; until one is written its
 * hold stays reserved, which can only make a concurrent reserve more cautious, never let it overspend. Holds are
 * renewed while this instance lives; the holds of an instance that died are released by the others when they expire.
 */
public final class SharedBalances implements Balances {
    private static final Logger LOG = LoggerFactory.getLogger(SharedBalances.class);
    static final long HOLD_TTL_MS = 120_000;
    private static final long HEARTBEAT_MS = 20_000;
    private static final int MAX_BACKLOG = 100_000;

    private final Vertx vertx;
    private final LedgerStore store;
    private final LedgerWriter writer;
    private final BillingPolicy policy;
    private final InstantSource clock;
    private final String owner = Ids.next("inst_", System.currentTimeMillis());
    /** Accounts known to exist, with whether they are unlimited (which never changes). */
    private final ConcurrentHashMap<String, Future<Boolean>> opened = new ConcurrentHashMap<>();
    private final long heartbeat;

    public SharedBalances(Vertx vertx, LedgerStore store, BillingPolicy policy, InstantSource clock) {
        this.vertx = vertx;
        this.store = store;
        this.writer = new LedgerWriter(store);
        this.policy = policy;
        this.clock = clock;
        this.heartbeat = vertx.setPeriodic(HEARTBEAT_MS, t -> vertx.executeBlocking(this::keepHolds, false));
        vertx.executeBlocking(this::keepHolds, false);
    }

    private Void keepHolds() {
        try {
            long now = clock.millis();
            store.renewHolds(owner, now + HOLD_TTL_MS);
            int released = store.releaseExpiredHolds(now);
            if (released > 0) LOG.info("released {} balance holds left by a gateway that stopped", released);
        } catch (RuntimeException e) {
            LOG.warn("renewing balance holds failed: {}", e.getMessage());
        }
        return null;
    }

    @Override
    public Future<Hold> reserve(String userId, long micros) {
        if (writer.backlog() > MAX_BACKLOG) return Future.failedFuture(BillingErrors.ledgerBacklog());
        return opened(userId).compose(unlimited -> {
            if (unlimited) return Future.succeededFuture(new Hold(null, userId, 0, true));
            // a free model needs no hold, and no database round trip
            if (micros == 0) return Future.succeededFuture(new Hold(null, userId, 0, false));
            long now = clock.millis();
            Hold hold = new Hold(Ids.next("hold_", now), userId, micros, false);
            return vertx.executeBlocking(() -> store.reserve(hold, owner, now + HOLD_TTL_MS), false)
                    .compose(ok -> ok ? Future.succeededFuture(hold) : Future.failedFuture(BillingErrors.insufficient(micros, null)));
        });
    }

    @Override
    public void settle(Hold hold, long chargeMicros, UsageRecord usage, boolean once) {
        writer.settle(new Settlement(hold.userId(), hold.id(), hold.micros(), hold.unlimited() ? 0 : chargeMicros, usage, once));
    }

    @Override
    public Future<Void> flush() {
        return onContext(writer.flush());
    }

    @Override
    public Future<Account> account(String userId) {
        return opened(userId).compose(x -> onContext(writer.submit(s -> s.find(userId).orElseThrow())));
    }

    @Override
    public Future<LedgerEntry> credit(String userId, long delta, LedgerEntry.Kind kind, String reason) {
        long now = clock.millis();
        String id = Ids.next("le_", now);
        return opened(userId).compose(x -> onContext(writer.submit(s -> s.credit(id, userId, delta, kind, reason, now))))
                .compose(e -> e.isPresent() ? Future.succeededFuture(e.get()) : Future.failedFuture(BillingErrors.wouldGoNegative(delta)));
    }

    @Override
    public Future<List<UsageRecord>> usage(UsageQuery query) {
        return onContext(writer.submit(s -> s.usage(query)));
    }

    @Override
    public Future<List<LedgerEntry>> entries(String userId, String afterId, int limit) {
        return onContext(writer.submit(s -> s.entries(userId, afterId, limit)));
    }

    private Future<Boolean> opened(String userId) {
        Future<Boolean> known = opened.get(userId);
        if (known != null) return joined(known);
        // a promise of no context (an executeBlocking future would run every later request's callbacks on this one's)
        Promise<Boolean> opening = Promise.promise();
        Future<Boolean> raced = opened.putIfAbsent(userId, opening.future());
        if (raced != null) return joined(raced);
        vertx.executeBlocking(() -> store.open(userId, policy.newUserCreditMicros(), policy.unlimited(userId), clock.millis()).unlimited(),
                false).onComplete(ar -> {
                    if (ar.failed()) opened.remove(userId, opening.future());
                    opening.handle(ar);
                });
        return opening.future();
    }

    /**
     * A load that another request started completes on that request's Vert.x context; a request joining it must go on
     * on its own context (where its request id for logs and its trace context live). A finished load goes on at once.
     */
    private <T> Future<T> joined(Future<T> shared) {
        return shared.isComplete() ? shared : Future.fromCompletionStage(shared.toCompletionStage(), vertx.getOrCreateContext());
    }

    private <T> Future<T> onContext(CompletableFuture<T> f) {
        return Future.fromCompletionStage(f, vertx.getOrCreateContext()).recover(e ->
                Future.failedFuture(e instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : e));
    }

    @Override
    public void close() {
        vertx.cancelTimer(heartbeat);
        writer.close();
    }
}
