package dev.tokengate.store.jdbc;

import dev.tokengate.billing.Account;
import dev.tokengate.billing.Hold;
import dev.tokengate.billing.LedgerEntry;
import dev.tokengate.billing.LedgerStore;
import dev.tokengate.billing.Settlement;
import dev.tokengate.billing.UsageQuery;
import dev.tokengate.billing.UsageRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/** The ledger in SQLite or PostgreSQL. Each method is one transaction. */
public final class JdbcLedgerStore implements LedgerStore {
    private final DataSource ds;
    private final Sql sql;
    private final LedgerSql q;
    private final UsageInserts usageInserts;
    /** The ledger writer's settling transactions, on a connection of their own with their statements prepared once. */
    private final HeldConnection settling;
    private final boolean pg;
    /**
     * PostgreSQL: which of the given usage ids are stored, in one round trip. It is planned at every execution (never
     * server-prepared, see {@link #repeatedCharges}): a cached generic plan, made while the table was small, scanned
     * the whole table on every batch (seen in a benchmark: one sequential scan of usage_records per ledger batch, and
     * the throughput halved). An {@code IN} list of 64 parameters did the same (40 jobs/s).
     */
    private static final String USAGE_STORED_ANY = "SELECT id FROM usage_records WHERE id = ANY(?)";

    public JdbcLedgerStore(Database db) {
        this.ds = db.dataSource();
        this.sql = new Sql(ds);
        this.q = LedgerSql.of(db.dialect());
        this.usageInserts = UsageInserts.of(db.dialect());
        this.pg = db.dialect() == Dialect.POSTGRESQL;
        this.settling = new HeldConnection(ds, db.dialect());
    }

    @Override
    public void close() {
        settling.close();
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new Sql.StorageException(e);
        }
    }

    @Override
    public Account open(String userId, long openingCreditMicros, boolean unlimited, long now) {
        inTransaction(c -> {
            int inserted = execute(c, q.openAccount(), userId, openingCreditMicros, unlimited ? 1 : 0, now);
            if (inserted == 1 && openingCreditMicros > 0) {
                execute(c, q.insertEntry(), "le_open_" + userId, userId, LedgerEntry.Kind.OPENING_CREDIT.wire(),
                        openingCreditMicros, openingCreditMicros, "opening credit for a new user", now);
            }
            return null;
        });
        return find(userId).orElseThrow();
    }

    @Override
    public Optional<Account> find(String userId) {
        return sql.one(q.findAccount(), rs -> new Account(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getInt(4) == 1,
                rs.getLong(5)), userId);
    }

    @Override
    public boolean reserve(Hold h, String owner, long expiresAt) {
        if (q.reserveInsertsHold()) {
            return sql.update(q.reserve(), h.micros(), expiresAt, h.userId(), h.micros(), h.id(), h.micros(), owner, expiresAt) == 1;
        }
        return inTransaction(c -> {
            if (execute(c, q.reserve(), h.micros(), expiresAt, h.userId(), h.micros()) != 1) return false;
            execute(c, q.insertHold(), h.id(), h.userId(), h.micros(), owner, expiresAt);
            return true;
        });
    }

    @Override
    public List<Long> settle(List<Settlement> batch) {
        if (batch.isEmpty()) return List.of();
        return settling.inTransaction(c -> settleIn(c, batch));
    }

    private List<Long> settleIn(HeldConnection c, List<Settlement> batch) throws SQLException {
        long now = batch.get(batch.size() - 1).usage().createdAt();
        long[] held = releasedHolds(c, batch);
        Map<String, List<Integer>> byUser = new TreeMap<>();
        for (int i = 0; i < batch.size(); i++) byUser.computeIfAbsent(batch.get(i).userId(), k -> new ArrayList<>(batch.size())).add(i);
        boolean[] repeated = repeatedCharges(c, batch);
        long[] charged = new long[batch.size()];
        for (var e : byUser.entrySet()) {
            long release = 0;
            long wanted = 0;
            for (int i : e.getValue()) {
                release += held[i];
                if (!repeated[i]) wanted += Math.max(0, batch.get(i).chargeMicros());
            }
            // nothing to release nor to charge (an unlimited account, a free call): the balance row stays as it is
            if (release == 0 && wanted == 0) continue;
            Long available = null;
            PreparedStatement releaseHeld = c.statement(q.releaseHeld());
            Sql.bind(releaseHeld, release, now, e.getKey());
            try (ResultSet rs = releaseHeld.executeQuery()) {
                if (rs.next()) available = rs.getLong(1);
            }
            if (available == null) continue;
            long total = 0;
            for (int i : e.getValue()) {
                if (repeated[i]) continue;
                charged[i] = Math.max(0, Math.min(batch.get(i).chargeMicros(), available - total));
                total += charged[i];
            }
            if (total > 0) {
                PreparedStatement charge = c.statement(q.charge());
                Sql.bind(charge, total, e.getKey());
                charge.executeUpdate();
            }
        }
        usageInserts.insert(c, batch, repeated, charged);
        List<Long> out = new ArrayList<>(batch.size());
        for (long x : charged) out.add(x);
        return out;
    }

    /**
     * What each settlement releases: its held amount, except for a stored hold the sweeper already released (its owner
     * looked dead), which must not be released twice. Holds are deleted in id order, and balances are locked by user
     * after them, so that concurrent settling and sweeping transactions cannot deadlock.
     */
    private long[] releasedHolds(HeldConnection c, List<Settlement> batch) throws SQLException {
        long[] held = new long[batch.size()];
        boolean anyHold = false;
        for (int i = 0; i < held.length; i++) {
            held[i] = batch.get(i).heldMicros();
            anyHold |= batch.get(i).holdId() != null;
        }
        if (!anyHold) return held;
        Integer[] byHoldId = new Integer[batch.size()];
        for (int i = 0; i < byHoldId.length; i++) byHoldId[i] = i;
        java.util.Arrays.sort(byHoldId, java.util.Comparator.comparing(i -> String.valueOf(batch.get(i).holdId())));
        // one batched statement (one round trip on PostgreSQL), still deleting in id order
        PreparedStatement ps = c.statement(q.deleteHold());
        List<Integer> deleted = new ArrayList<>(batch.size());
        for (int i : byHoldId) {
            Settlement s = batch.get(i);
            if (s.holdId() == null) continue;
            ps.setString(1, s.holdId());
            ps.addBatch();
            deleted.add(i);
        }
        int[] counts = ps.executeBatch();
        for (int k = 0; k < deleted.size(); k++) if (counts[k] != 1) held[deleted.get(k)] = 0;
        return held;
    }

    /** Which {@code once} settlements were charged before: their usage id is stored already, or earlier in the batch. */
    private boolean[] repeatedCharges(HeldConnection c, List<Settlement> batch) throws SQLException {
        boolean[] repeated = new boolean[batch.size()];
        java.util.Set<String> seen = null;
        List<Integer> lookups = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Settlement s = batch.get(i);
            if (!s.once()) continue;
            if (seen == null) seen = new java.util.HashSet<>();
            if (!seen.add(s.usage().id())) {
                repeated[i] = true;
                continue;
            }
            lookups.add(i);
        }
        if (lookups.isEmpty()) return repeated;
        if (pg) {
            // every lookup in one round trip
            String[] ids = new String[lookups.size()];
            for (int k = 0; k < ids.length; k++) ids[k] = Sql.storable(batch.get(lookups.get(k)).usage().id());
            PreparedStatement ps = c.statement(USAGE_STORED_ANY);
            // planned with this batch's array and the table's current size every time: a primary key lookup
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
            java.sql.Array array = ps.getConnection().createArrayOf("text", ids);
            java.util.Set<String> stored = new java.util.HashSet<>();
            try {
                ps.setArray(1, array);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) stored.add(rs.getString(1));
                }
            } finally {
                array.free();
            }
            for (int k = 0; k < ids.length; k++) repeated[lookups.get(k)] = stored.contains(ids[k]);
            return repeated;
        }
        for (int i : lookups) {
            Settlement s = batch.get(i);
            PreparedStatement ps = c.statement(q.usageExists());
            ps.setString(1, s.usage().id());
            try (ResultSet rs = ps.executeQuery()) {
                repeated[i] = rs.next();
            }
        }
        return repeated;
    }

    @Override
    public Optional<LedgerEntry> credit(String entryId, String userId, long delta, LedgerEntry.Kind kind, String reason, long now) {
        return inTransaction(c -> {
            Long after = null;
            try (PreparedStatement ps = c.prepareStatement(q.credit())) {
                Sql.bind(ps, delta, now, userId, delta);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) after = rs.getLong(1);
                }
            }
            if (after == null) return Optional.empty();
            execute(c, q.insertEntry(), entryId, userId, kind.wire(), delta, after, reason, now);
            return Optional.of(new LedgerEntry(entryId, userId, kind, delta, after, reason, now));
        });
    }

    @Override
    public List<LedgerEntry> entries(String userId, String afterId, int limit) {
        long[] cursor = cursor(q.entryCursor(), userId, afterId);
        if (cursor == null) return List.of();
        return sql.list(q.entriesPage(), rs -> new LedgerEntry(rs.getString(1), rs.getString(2),
                LedgerEntry.Kind.fromWire(rs.getString(3)), rs.getLong(4), rs.getLong(5), rs.getString(6), rs.getLong(7)),
                userId, cursor[0], cursor[0], afterId == null ? "" : afterId, limit);
    }

    @Override
    public List<UsageRecord> usage(UsageQuery uq) {
        long[] cursor = cursor(q.usageCursor(), uq.userId(), uq.afterId());
        if (cursor == null) return List.of();
        String model = uq.model() == null ? "" : uq.model();
        return sql.list(q.usagePage(), JdbcLedgerStore::usage, uq.userId(), uq.fromMs() == null ? Long.MIN_VALUE : uq.fromMs(),
                uq.toMs() == null ? Long.MAX_VALUE : uq.toMs(), model, model, cursor[0], cursor[0],
                uq.afterId() == null ? "" : uq.afterId(), uq.limit());
    }

    /** The position to continue after: before everything when there is no cursor, null when the cursor is unknown. */
    private long[] cursor(String lookup, String userId, String afterId) {
        if (afterId == null) return new long[]{Long.MAX_VALUE};
        return sql.one(lookup, rs -> new long[]{rs.getLong(1)}, afterId, userId).orElse(null);
    }

    private static UsageRecord usage(ResultSet rs) throws SQLException {
        return new UsageRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getInt(7), rs.getInt(8), rs.getInt(9), rs.getLong(10), rs.getLong(11), rs.getLong(12),
                rs.getInt(13), rs.getInt(14) == 1, rs.getInt(15) == 1, rs.getLong(16));
    }

    @Override
    public int renewHolds(String owner, long expiresAt) {
        return sql.update(q.renewHolds(), expiresAt, owner);
    }

    @Override
    public int releaseExpiredHolds(long now) {
        List<Hold> expired = sql.list(q.expiredHolds(), rs -> new Hold(rs.getString(1), rs.getString(2), rs.getLong(3), false), now);
        if (expired.isEmpty()) return 0;
        return inTransaction(c -> {
            Map<String, Long> release = new TreeMap<>();
            int released = 0;
            try (PreparedStatement ps = c.prepareStatement(q.deleteHold())) {
                for (Hold h : expired) {
                    ps.setString(1, h.id());
                    if (ps.executeUpdate() == 1) {
                        release.merge(h.userId(), h.micros(), Long::sum);
                        released++;
                    }
                }
            }
            for (var e : release.entrySet()) {
                try (PreparedStatement ps = c.prepareStatement(q.releaseHeld())) {
                    Sql.bind(ps, e.getValue(), now, e.getKey());
                    ps.executeQuery().close();
                }
            }
            return released;
        });
    }

    private static int execute(Connection c, String statement, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(statement)) {
            Sql.bind(ps, params);
            return ps.executeUpdate();
        }
    }
}
