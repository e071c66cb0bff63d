package dev.tokengate.store.memory;

import dev.tokengate.billing.Account;
import dev.tokengate.billing.Hold;
import dev.tokengate.billing.LedgerEntry;
import dev.tokengate.billing.LedgerStore;
import dev.tokengate.billing.Settlement;
import dev.tokengate.billing.UsageQuery;
import dev.tokengate.billing.UsageRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The ledger in memory: one lock makes every method a transaction, as in the SQL stores. */
public final class MemoryLedgerStore implements LedgerStore {
    private record StoredHold(String userId, long micros, String owner, long expiresAt) {}

    private static final Comparator<UsageRecord> NEWEST_USAGE_FIRST =
            Comparator.comparingLong(UsageRecord::createdAt).thenComparing(UsageRecord::id).reversed();
    private static final Comparator<LedgerEntry> NEWEST_ENTRY_FIRST =
            Comparator.comparingLong(LedgerEntry::createdAt).thenComparing(LedgerEntry::id).reversed();

    private final Map<String, Account> accounts = new HashMap<>();
    private final Map<String, StoredHold> holds = new HashMap<>();
    private final List<LedgerEntry> entries = new ArrayList<>();
    private final List<UsageRecord> usage = new ArrayList<>();

    @Override
    public synchronized Account open(String userId, long openingCreditMicros, boolean unlimited, long now) {
        Account existing = accounts.get(userId);
        if (existing != null) return existing;
        Account a = new Account(userId, openingCreditMicros, 0, unlimited, now);
        accounts.put(userId, a);
        if (openingCreditMicros > 0) {
            entries.add(new LedgerEntry("le_open_" + userId, userId, LedgerEntry.Kind.OPENING_CREDIT, openingCreditMicros,
                    openingCreditMicros, "opening credit for a new user", now));
        }
        return a;
    }

    @Override
    public synchronized Optional<Account> find(String userId) {
        return Optional.ofNullable(accounts.get(userId));
    }

    @Override
    public synchronized boolean reserve(Hold hold, String owner, long expiresAt) {
        Account a = accounts.get(hold.userId());
        if (a == null || a.availableMicros() < hold.micros()) return false;
        accounts.put(a.userId(), new Account(a.userId(), a.balanceMicros(), a.reservedMicros() + hold.micros(), a.unlimited(), a.updatedAt()));
        holds.put(hold.id(), new StoredHold(hold.userId(), hold.micros(), owner, expiresAt));
        return true;
    }

    @Override
    public synchronized List<Long> settle(List<Settlement> batch) {
        List<Long> charged = new ArrayList<>(batch.size());
        for (Settlement s : batch) {
            Account a = accounts.get(s.userId());
            // a hold the sweeper already released (its owner looked dead) must not be released twice
            long held = s.holdId() == null || holds.remove(s.holdId()) != null ? s.heldMicros() : 0;
            long c = 0;
            boolean repeated = s.once() && usage.stream().anyMatch(u -> u.id().equals(s.usage().id()));
            if (repeated) {
                if (a != null) accounts.put(a.userId(), new Account(a.userId(), a.balanceMicros(), a.reservedMicros() - held,
                        a.unlimited(), s.usage().createdAt()));
                charged.add(0L);
                continue;
            }
            if (a != null) {
                long reserved = a.reservedMicros() - held;
                c = Math.max(0, Math.min(s.chargeMicros(), a.balanceMicros() - reserved));
                accounts.put(a.userId(), new Account(a.userId(), a.balanceMicros() - c, reserved, a.unlimited(), s.usage().createdAt()));
            }
            usage.add(s.usage().withCharged(c));
            charged.add(c);
        }
        return charged;
    }

    @Override
    public synchronized Optional<LedgerEntry> credit(String entryId, String userId, long deltaMicros, LedgerEntry.Kind kind,
                                                     String reason, long now) {
        Account a = accounts.get(userId);
        if (a == null || a.balanceMicros() + deltaMicros < a.reservedMicros()) return Optional.empty();
        long after = a.balanceMicros() + deltaMicros;
        accounts.put(userId, new Account(userId, after, a.reservedMicros(), a.unlimited(), now));
        LedgerEntry e = new LedgerEntry(entryId, userId, kind, deltaMicros, after, reason, now);
        entries.add(e);
        return Optional.of(e);
    }

    @Override
    public synchronized List<LedgerEntry> entries(String userId, String afterId, int limit) {
        List<LedgerEntry> mine = entries.stream().filter(e -> e.userId().equals(userId)).sorted(NEWEST_ENTRY_FIRST).toList();
        return page(mine, afterId == null ? -1 : indexOf(mine, afterId, LedgerEntry::id), limit);
    }

    @Override
    public synchronized List<UsageRecord> usage(UsageQuery q) {
        List<UsageRecord> mine = usage.stream()
                .filter(u -> u.userId().equals(q.userId()))
                .filter(u -> q.fromMs() == null || u.createdAt() >= q.fromMs())
                .filter(u -> q.toMs() == null || u.createdAt() < q.toMs())
                .filter(u -> q.model() == null || q.model().equals(u.model()))
                .sorted(NEWEST_USAGE_FIRST).toList();
        return page(mine, q.afterId() == null ? -1 : indexOf(mine, q.afterId(), UsageRecord::id), q.limit());
    }

    private static <T> int indexOf(List<T> list, String id, java.util.function.Function<T, String> idOf) {
        for (int i = 0; i < list.size(); i++) if (idOf.apply(list.get(i)).equals(id)) return i;
        return list.size();
    }

    private static <T> List<T> page(List<T> sorted, int afterIndex, int limit) {
        int from = Math.min(sorted.size(), afterIndex + 1);
        return List.copyOf(sorted.subList(from, Math.min(sorted.size(), from + limit)));
    }

    @Override
    public synchronized int renewHolds(String owner, long expiresAt) {
        int n = 0;
        for (var e : holds.entrySet()) {
            if (e.getValue().owner().equals(owner)) {
                StoredHold h = e.getValue();
                e.setValue(new StoredHold(h.userId(), h.micros(), h.owner(), expiresAt));
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized int releaseExpiredHolds(long now) {
        int n = 0;
        var it = holds.values().iterator();
        while (it.hasNext()) {
            StoredHold h = it.next();
            if (h.expiresAt() >= now) continue;
            Account a = accounts.get(h.userId());
            if (a != null) {
                accounts.put(a.userId(), new Account(a.userId(), a.balanceMicros(), a.reservedMicros() - h.micros(), a.unlimited(), now));
            }
            it.remove();
            n++;
        }
        return n;
    }
}
