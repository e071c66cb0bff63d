package dev.tokengate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link LedgerStore} must do, run against memory, SQLite and PostgreSQL. */
abstract class LedgerStoreContract {
    private static final long T0 = 1_700_000_000_000L;

    /** A fresh store over empty tables. */
    protected abstract LedgerStore newStore();

    /** Makes a user the store may open an account for (the SQL stores refer to the users table). */
    protected abstract void createUser(String id);

    private LedgerStore store;
    private final AtomicInteger seq = new AtomicInteger();
    private final String run = Long.toString(System.nanoTime(), 36);

    @BeforeEach
    void setUp() {
        store = newStore();
    }

    private String user() {
        String id = "user_" + seq.incrementAndGet() + "_" + System.nanoTime();
        createUser(id);
        return id;
    }

    /** Hold ids unique across tests, which share one database. */
    private String h(String name) {
        return name + "_" + run;
    }

    private UsageRecord usage(String userId, String model, long cost, long at) {
        return new UsageRecord(Ids.next("usage_", at), "req_" + seq.incrementAndGet(), userId, "key_1", model, model + "#0",
                10, 5, 0, cost, 0, 12, 200, false, false, at);
    }

    private long chargedTotal(String userId) {
        return store.usage(new UsageQuery(userId, null, null, null, null, 1000)).stream().mapToLong(UsageRecord::chargedMicros).sum();
    }

    private long entriesTotal(String userId) {
        return store.entries(userId, null, 1000).stream().mapToLong(LedgerEntry::amountMicros).sum();
    }

    @Test
    void openingTwiceOpensOnceWithOneCreditEntry() {
        String u = user();
        store.open(u, 5_000_000, false, T0);
        Account again = store.open(u, 5_000_000, false, T0 + 1);
        assertThat(again.balanceMicros()).isEqualTo(5_000_000);
        assertThat(store.entries(u, null, 10)).singleElement()
                .satisfies(e -> assertThat(e.kind()).isEqualTo(LedgerEntry.Kind.OPENING_CREDIT));
    }

    @Test
    void reserveRefusesWhatTheBalanceMinusHoldsCannotCover() {
        String u = user();
        store.open(u, 100, false, T0);
        assertThat(store.reserve(new Hold(h("h1"), u, 60, false), "me", T0 + 60_000)).isTrue();
        assertThat(store.reserve(new Hold(h("h2"), u, 41, false), "me", T0 + 60_000)).isFalse();
        assertThat(store.reserve(new Hold(h("h3"), u, 40, false), "me", T0 + 60_000)).isTrue();
        assertThat(store.find(u).orElseThrow().reservedMicros()).isEqualTo(100);
    }

    @Test
    void concurrentReservesNeverHoldMoreThanTheBalance() throws Exception {
        String u = user();
        store.open(u, 10 * 7, false, T0);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                String id = h("h" + i);
                results.add(pool.submit(() -> store.reserve(new Hold(id, u, 7, false), "me", T0 + 60_000)));
            }
            int granted = 0;
            for (Future<Boolean> r : results) if (r.get()) granted++;
            assertThat(granted).isEqualTo(10);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.find(u).orElseThrow().availableMicros()).isZero();
    }

    @Test
    void settlingReleasesTheHoldChargesTheCostAndRecordsTheUsage() {
        String u = user();
        store.open(u, 1_000, false, T0);
        store.reserve(new Hold(h("h1"), u, 300, false), "me", T0 + 60_000);
        List<Long> charged = store.settle(List.of(new Settlement(u, h("h1"), 300, 120, usage(u, "gpt-5", 120, T0 + 5))));
        assertThat(charged).containsExactly(120L);
        Account a = store.find(u).orElseThrow();
        assertThat(a.balanceMicros()).isEqualTo(880);
        assertThat(a.reservedMicros()).isZero();
        assertThat(store.usage(new UsageQuery(u, null, null, null, null, 10))).singleElement()
                .satisfies(r -> assertThat(r.chargedMicros()).isEqualTo(120));
    }

    @Test
    void aChargeAboveTheHoldTakesNoMoreThanTheBalanceHasLeft() {
        String u = user();
        store.open(u, 1_000, false, T0);
        store.reserve(new Hold(h("h1"), u, 600, false), "me", T0 + 60_000);
        store.reserve(new Hold(h("h2"), u, 300, false), "me", T0 + 60_000);
        // h1's request cost more than it held; h2's hold is untouchable, so h1 gets what is left: 1000 - 300
        List<Long> charged = store.settle(List.of(new Settlement(u, h("h1"), 600, 5_000, usage(u, "gpt-5", 5_000, T0 + 1))));
        assertThat(charged).containsExactly(700L);
        Account a = store.find(u).orElseThrow();
        assertThat(a.balanceMicros()).isEqualTo(300);
        assertThat(a.reservedMicros()).isEqualTo(300);
        assertThat(entriesTotal(u) - chargedTotal(u)).isEqualTo(a.balanceMicros());
    }

    @Test
    void aHoldReleasedAsExpiredIsNotReleasedAgainWhenItsRequestSettles() {
        String u = user();
        store.open(u, 1_000, false, T0);
        store.reserve(new Hold(h("h1"), u, 400, false), "dead", T0 + 10);
        store.reserve(new Hold(h("h2"), u, 100, false), "alive", T0 + 10);
        store.renewHolds("alive", T0 + 60_000);
        assertThat(store.releaseExpiredHolds(T0 + 20)).isEqualTo(1);
        assertThat(store.find(u).orElseThrow().reservedMicros()).isEqualTo(100);
        store.settle(List.of(new Settlement(u, h("h1"), 400, 50, usage(u, "gpt-5", 50, T0 + 30))));
        Account a = store.find(u).orElseThrow();
        assertThat(a.reservedMicros()).isEqualTo(100);
        assertThat(a.balanceMicros()).isEqualTo(950);
    }

    @Test
    void creditsAddUpAndAnAdjustmentMayNotEatIntoHolds() {
        String u = user();
        store.open(u, 0, false, T0);
        assertThat(store.credit(h("e1"), u, 2_000, LedgerEntry.Kind.TOPUP, "card", T0 + 1)).isPresent();
        store.reserve(new Hold(h("h1"), u, 1_500, false), "me", T0 + 60_000);
        assertThat(store.credit(h("e2"), u, -600, LedgerEntry.Kind.ADJUSTMENT, "refund", T0 + 2)).isEmpty();
        LedgerEntry ok = store.credit(h("e3"), u, -500, LedgerEntry.Kind.ADJUSTMENT, "refund", T0 + 3).orElseThrow();
        assertThat(ok.balanceAfterMicros()).isEqualTo(1_500);
        assertThat(store.entries(u, null, 10)).extracting(LedgerEntry::id).containsExactly(h("e3"), h("e1"));
        assertThat(entriesTotal(u)).isEqualTo(store.find(u).orElseThrow().balanceMicros());
    }

    @Test
    void usageIsPagedNewestFirstAndFilteredByTimeAndModel() {
        String u = user();
        store.open(u, 1_000_000, false, T0);
        List<Settlement> batch = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String model = i % 2 == 0 ? "gpt-5" : "gpt-4o";
            batch.add(new Settlement(u, null, 0, 1, usage(u, model, 1, T0 + i * 1000L)));
        }
        store.settle(batch);
        List<UsageRecord> first = store.usage(new UsageQuery(u, null, null, null, null, 3));
        assertThat(first).extracting(UsageRecord::createdAt).containsExactly(T0 + 6000, T0 + 5000, T0 + 4000);
        List<UsageRecord> second = store.usage(new UsageQuery(u, null, null, null, first.get(2).id(), 3));
        assertThat(second).extracting(UsageRecord::createdAt).containsExactly(T0 + 3000, T0 + 2000, T0 + 1000);
        assertThat(store.usage(new UsageQuery(u, T0 + 2000, T0 + 5000, "gpt-5", null, 10)))
                .extracting(UsageRecord::createdAt).containsExactly(T0 + 4000, T0 + 2000);
        assertThat(chargedTotal(u)).isEqualTo(7);
        assertThat(store.find(u).orElseThrow().balanceMicros()).isEqualTo(1_000_000 - 7);
    }

    @Test
    void aLargeBatchOfSeveralUsersWritesEveryRecordWithWhatEachBalanceCouldCover() {
        String rich = user();
        String poor = user();
        store.open(rich, 1_000_000, false, T0);
        store.open(poor, 100, false, T0);
        List<Settlement> batch = new ArrayList<>();
        List<String> poorIds = new ArrayList<>();
        for (int i = 0; i < 75; i++) {
            boolean isPoor = i % 3 == 0;
            UsageRecord r = usage(isPoor ? poor : rich, "gpt-5", 7, T0 + i);
            if (isPoor) poorIds.add(r.id());
            batch.add(new Settlement(isPoor ? poor : rich, null, 0, 7, r));
        }
        List<Long> charged = store.settle(batch);
        assertThat(charged).hasSize(75);
        // the poor user's 25 requests cost 175; 100 covers the first 14 in full and 2 of the 15th
        long poorCharged = 0;
        for (int i = 0; i < 75; i += 3) poorCharged += charged.get(i);
        assertThat(poorCharged).isEqualTo(100);
        assertThat(charged.get(14 * 3)).isEqualTo(2L);
        assertThat(charged.get(15 * 3)).isZero();
        assertThat(store.usage(new UsageQuery(rich, null, null, null, null, 1000))).hasSize(50)
                .allSatisfy(r -> assertThat(r.chargedMicros()).isEqualTo(7));
        List<UsageRecord> poorRecords = store.usage(new UsageQuery(poor, null, null, null, null, 1000));
        assertThat(poorRecords).extracting(UsageRecord::id).containsExactlyInAnyOrderElementsOf(poorIds);
        assertThat(poorRecords).allSatisfy(r -> {
            assertThat(r.requestId()).startsWith("req_");
            assertThat(r.costMicros()).isEqualTo(7);
            assertThat(r.latencyMs()).isEqualTo(12);
        });
        assertThat(store.find(poor).orElseThrow().balanceMicros()).isZero();
        assertThat(store.find(rich).orElseThrow().balanceMicros()).isEqualTo(1_000_000 - 350);
        assertThat(entriesTotal(rich) - chargedTotal(rich)).isEqualTo(1_000_000 - 350);
    }

    @Test
    void everyUsageRecordOfAMixedBatchIsStoredAsGiven() {
        String a = user();
        String b = user();
        store.open(a, 1_000_000, false, T0);
        store.open(b, 1_000_000, false, T0);
        // runs of records alike in user, key, model, deployment, status and flags (40 spans more than one statement,
        // 5 and 3 around what is worth a statement of its own) mixed with records alike in nothing
        List<UsageRecord> expected = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < 40; i++) expected.add(record(a, "key_1", "gpt-5", 200, false, false, n++));
        for (int i = 0; i < 5; i++) expected.add(record(b, null, "gpt-5", 200, true, false, n++));
        for (int i = 0; i < 3; i++) expected.add(record(a, "key_2", "mini", 499, false, true, n++));
        for (int i = 0; i < 7; i++) expected.add(record(i % 2 == 0 ? a : b, "key_" + i, "m" + i, 200 + i, i % 3 == 0, i % 2 == 1, n++));
        java.util.Collections.shuffle(expected, new java.util.Random(7));
        List<Settlement> batch = new ArrayList<>();
        for (UsageRecord r : expected) batch.add(new Settlement(r.userId(), null, 0, r.costMicros(), r.withCharged(0)));
        assertThat(store.settle(batch)).containsExactlyElementsOf(expected.stream().map(UsageRecord::costMicros).toList());
        List<UsageRecord> stored = new ArrayList<>(store.usage(new UsageQuery(a, null, null, null, null, 1000)));
        stored.addAll(store.usage(new UsageQuery(b, null, null, null, null, 1000)));
        assertThat(stored).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** A record whose numbers all differ from every other record's. */
    private UsageRecord record(String userId, String keyId, String model, int status, boolean cacheHit, boolean stream, int n) {
        return new UsageRecord(Ids.next("usage_", T0 + n), "req_" + seq.incrementAndGet(), userId, keyId, model, model + "#0",
                100 + n, 200 + n, n, 1 + n, 1 + n, 300 + n, status, cacheHit, stream, T0 + n / 4);
    }

    @Test
    void aRecordOfAnotherUserIsNoCursor() {
        String u = user();
        String other = user();
        store.open(u, 10, false, T0);
        store.open(other, 10, false, T0);
        UsageRecord theirs = usage(other, "gpt-5", 1, T0);
        store.settle(List.of(new Settlement(other, null, 0, 1, theirs), new Settlement(u, null, 0, 1, usage(u, "gpt-5", 1, T0))));
        assertThat(store.usage(new UsageQuery(u, null, null, null, theirs.id(), 10))).isEmpty();
    }
}
