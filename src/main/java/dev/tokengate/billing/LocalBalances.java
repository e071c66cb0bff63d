package dev.tokengate.billing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Balances for a gateway that is the only user of its store (SQLite or memory). The live balance of each account is
 * kept here, loaded once; reserving and settling are a few arithmetic steps under the account's lock, with no storage
 * round trip on the request path. The store is the durable ledger: settlements reach it through the {@link LedgerWriter}
 * in the order they happened here, so it adds up after every commit. A crash loses what was not yet written (the
 * requests in flight and the last moments of settlements); the balance never goes below zero either way.
 */
public final class LocalBalances implements Balances {
    private static final int MAX_BACKLOG = 100_000;

    /** The live state of one account; guarded by its own monitor. */
    private static final class Live {
        final String userId;
        final boolean unlimited;
        long balance;
        long reserved;

        Live(Account a) {
            this.userId = a.userId();
            this.unlimited = a.unlimited();
            this.balance = a.balanceMicros();
        }

        synchronized Account snapshot(long now) {
            return new Account(userId, balance, reserved, unlimited, now);
        }
    }

    private final Vertx vertx;
    private final LedgerStore store;
    private final LedgerWriter writer;
    private final BillingPolicy policy;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Future<Live>> live = new ConcurrentHashMap<>();

    public LocalBalances(Vertx vertx, LedgerStore store, BillingPolicy policy, InstantSource clock) {
        this.vertx = vertx;
        this.store = store;
        this.writer = new LedgerWriter(store);
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    public Future<Hold> reserve(String userId, long micros) {
        if (writer.backlog() > MAX_BACKLOG) return Future.failedFuture(BillingErrors.ledgerBacklog());
        Future<Live> live = live(userId);
        // a loaded account holds at once: no future composed
        if (live.succeeded()) return reserve(live.result(), micros);
        return live.compose(a -> reserve(a, micros));
    }

    private static Future<Hold> reserve(Live a, long micros) {
        if (a.unlimited) return Future.succeededFuture(new Hold(null, a.userId, 0, true));
        synchronized (a) {
            long available = a.balance - a.reserved;
            if (available < micros) return Future.failedFuture(BillingErrors.insufficient(micros, available));
            a.reserved += micros;
        }
        return Future.succeededFuture(new Hold(null, a.userId, micros, false));
    }

    @Override
    public void settle(Hold hold, long chargeMicros, UsageRecord usage, boolean once) {
        Live a = live.get(hold.userId()).result();
        synchronized (a) {
            a.reserved -= hold.micros();
            long charged = a.unlimited ? 0 : Math.max(0, Math.min(chargeMicros, a.balance - a.reserved));
            a.balance -= charged;
            // queued under the lock, so the store sees this account's changes in the order they happened here
            Settlement s = new Settlement(a.userId, null, 0, charged, usage, once);
            if (!once) {
                writer.settle(s);
                return;
            }
            // the store skips a charge it already holds (made before a crash): the live balance gives it back
            writer.settle(s, stored -> {
                if (stored < charged) {
                    synchronized (a) {
                        a.balance += charged - stored;
                    }
                }
            });
        }
    }

    @Override
    public Future<Void> flush() {
        return onContext(writer.flush());
    }

    @Override
    public Future<Account> account(String userId) {
        return live(userId).map(a -> a.snapshot(clock.millis()));
    }

    @Override
    public Future<LedgerEntry> credit(String userId, long delta, LedgerEntry.Kind kind, String reason) {
        long now = clock.millis();
        String id = Ids.next("le_", now);
        return live(userId).compose(a -> {
            if (delta >= 0) {
                // stored first, then spendable: a failed write never leaves money that was not recorded
                return onContext(writer.submit(s -> s.credit(id, userId, delta, kind, reason, now))).compose(stored -> {
                    if (stored.isEmpty()) return Future.failedFuture(BillingErrors.wouldGoNegative(delta));
                    synchronized (a) {
                        a.balance += delta;
                    }
                    return Future.succeededFuture(stored.get());
                });
            }
            CompletableFuture<Optional<LedgerEntry>> write;
            synchronized (a) {
                if (a.balance + delta < a.reserved) return Future.failedFuture(BillingErrors.wouldGoNegative(delta));
                // taken at once so no request can spend it meanwhile; given back if the write fails
                a.balance += delta;
                write = writer.submit(s -> s.credit(id, userId, delta, kind, reason, now));
            }
            return onContext(write).transform(ar -> {
                if (ar.succeeded() && ar.result().isPresent()) return Future.succeededFuture(ar.result().get());
                synchronized (a) {
                    a.balance -= delta;
                }
                return ar.failed() ? Future.failedFuture(ar.cause()) : Future.failedFuture(BillingErrors.wouldGoNegative(delta));
            });
        });
    }

    @Override
    public Future<List<UsageRecord>> usage(UsageQuery query) {
        return onContext(writer.submit(s -> s.usage(query)));
    }

    @Override
    public Future<List<LedgerEntry>> entries(String userId, String afterId, int limit) {
        return onContext(writer.submit(s -> s.entries(userId, afterId, limit)));
    }

    private Future<Live> live(String userId) {
        Future<Live> known = live.get(userId);
        if (known != null) return joined(known);
        // a promise of no context: requests that find it finished go on on their own context
        Promise<Live> loading = Promise.promise();
        Future<Live> raced = live.putIfAbsent(userId, loading.future());
        if (raced != null) return joined(raced);
        vertx.executeBlocking(() -> new Live(store.open(userId, policy.newUserCreditMicros(), policy.unlimited(userId),
                clock.millis())), false).onComplete(ar -> {
            if (ar.failed()) live.remove(userId, loading.future());
            loading.handle(ar);
        });
        return loading.future();
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
        writer.close();
    }
}
