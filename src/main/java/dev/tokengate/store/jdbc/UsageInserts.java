package dev.tokengate.store.jdbc;

import dev.tokengate.billing.Settlement;
import dev.tokengate.billing.UsageRecord;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a ledger batch's usage records in multi-row INSERTs, up to {@link #MAX_ROWS} rows a statement and the rest in
 * one statement of their own size. On SQLite, rows that share their user, key, model, deployment, status and flags (a
 * busy key's requests) go in statements that bind those seven values once: every bound value is a call into the
 * driver's native code (and a copy for text), about a third of the ledger writer's CPU in a profile with 16 a row.
 * PostgreSQL has no numbered parameters in JDBC's syntax; its binding is plain Java, so it keeps one statement form.
 */
final class UsageInserts {
    /** Most rows a statement: 16 parameters each makes 512, within every SQLite build's limit (999 before 3.32). */
    static final int MAX_ROWS = 32;
    /** Fewer rows than this sharing their values are not worth a statement of their own. */
    private static final int MIN_SHARED = 4;
    private static final int PARAMS = 16;
    private static final int SHARED_PARAMS = 7;
    private static final int OWN_PARAMS = PARAMS - SHARED_PARAMS;

    /** What rows of one statement may share. */
    private record Shared(String userId, String keyId, String model, String deployment, int status, boolean cacheHit,
                          boolean stream) {
        static Shared of(UsageRecord u) {
            return new Shared(u.userId(), u.keyId(), u.model(), u.deployment(), u.status(), u.cacheHit(), u.stream());
        }
    }

    private final String[] rows;
    /** Null where the dialect has no numbered parameters. */
    private final String[] sharedRows;

    private UsageInserts(String[] rows, String[] sharedRows) {
        this.rows = rows;
        this.sharedRows = sharedRows;
    }

    static UsageInserts of(Dialect dialect) {
        String[] rows = new String[MAX_ROWS + 1];
        String[] shared = dialect == Dialect.SQLITE ? new String[MAX_ROWS + 1] : null;
        String one = "(" + "?, ".repeat(PARAMS - 1) + "?)";
        for (int k = 1; k <= MAX_ROWS; k++) {
            rows[k] = insertOf(Collections.nCopies(k, one));
            if (shared != null) {
                List<String> values = new ArrayList<>(k);
                for (int r = 0; r < k; r++) values.add(sharedRow(SHARED_PARAMS + 1 + r * OWN_PARAMS));
                shared[k] = insertOf(values);
            }
        }
        return new UsageInserts(rows, shared);
    }

    private static String insertOf(List<String> values) {
        return "INSERT INTO usage_records (" + LedgerSql.USAGE_COLUMNS + ") VALUES " + String.join(", ", values);
    }

    /** One row in the columns' order: the shared values are ?1 to ?7, the row's own nine start at {@code at}. */
    private static String sharedRow(int at) {
        StringBuilder sb = new StringBuilder("(");
        // id, request_id, user_id, key_id, model, deployment
        sb.append('?').append(at).append(", ?").append(at + 1).append(", ?1, ?2, ?3, ?4");
        // prompt_tokens, completion_tokens, cached_tokens, cost_micros, charged_micros, latency_ms
        for (int p = 2; p <= 7; p++) sb.append(", ?").append(at + p);
        // status, cache_hit, stream, created_at
        return sb.append(", ?5, ?6, ?7, ?").append(at + 8).append(')').toString();
    }

    /** Inserts the usage of every settlement not {@code repeated}, with what was {@code charged} for it. */
    void insert(HeldConnection c, List<Settlement> batch, boolean[] repeated, long[] charged) throws SQLException {
        int[] rest = new int[batch.size()];
        int n = 0;
        if (sharedRows == null) {
            for (int i = 0; i < batch.size(); i++) if (!repeated[i]) rest[n++] = i;
        } else {
            Map<Shared, List<Integer>> groups = new LinkedHashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                if (!repeated[i]) groups.computeIfAbsent(Shared.of(batch.get(i).usage()), k -> new ArrayList<>()).add(i);
            }
            for (List<Integer> group : groups.values()) {
                if (group.size() >= MIN_SHARED) insertShared(c, batch, charged, group);
                else for (int i : group) rest[n++] = i;
            }
        }
        for (int next = 0; next < n; ) {
            int size = Math.min(MAX_ROWS, n - next);
            PreparedStatement insert = c.statement(rows[size]);
            for (int r = 0; r < size; r++, next++) bindRow(insert, r * PARAMS, batch.get(rest[next]).usage(), charged[rest[next]]);
            insert.executeUpdate();
        }
    }

    private void insertShared(HeldConnection c, List<Settlement> batch, long[] charged, List<Integer> group) throws SQLException {
        for (int next = 0; next < group.size(); ) {
            int size = Math.min(MAX_ROWS, group.size() - next);
            PreparedStatement insert = c.statement(sharedRows[size]);
            bindShared(insert, batch.get(group.get(next)).usage());
            for (int r = 0; r < size; r++, next++) {
                int i = group.get(next);
                bindOwn(insert, SHARED_PARAMS + r * OWN_PARAMS, batch.get(i).usage(), charged[i]);
            }
            insert.executeUpdate();
        }
    }

    /** Binds one row (the columns of {@link LedgerSql#USAGE_COLUMNS}) after parameter {@code at}. */
    private static void bindRow(PreparedStatement ps, int at, UsageRecord u, long charged) throws SQLException {
        ps.setString(at + 1, Sql.storable(u.id()));
        ps.setString(at + 2, Sql.storable(u.requestId()));
        ps.setString(at + 3, Sql.storable(u.userId()));
        ps.setString(at + 4, Sql.storable(u.keyId()));
        ps.setString(at + 5, Sql.storable(u.model()));
        ps.setString(at + 6, Sql.storable(u.deployment()));
        ps.setInt(at + 7, u.promptTokens());
        ps.setInt(at + 8, u.completionTokens());
        ps.setInt(at + 9, u.cachedTokens());
        ps.setLong(at + 10, u.costMicros());
        ps.setLong(at + 11, charged);
        ps.setLong(at + 12, u.latencyMs());
        ps.setInt(at + 13, u.status());
        ps.setInt(at + 14, u.cacheHit() ? 1 : 0);
        ps.setInt(at + 15, u.stream() ? 1 : 0);
        ps.setLong(at + 16, u.createdAt());
    }

    private static void bindShared(PreparedStatement ps, UsageRecord u) throws SQLException {
        ps.setString(1, Sql.storable(u.userId()));
        ps.setString(2, Sql.storable(u.keyId()));
        ps.setString(3, Sql.storable(u.model()));
        ps.setString(4, Sql.storable(u.deployment()));
        ps.setInt(5, u.status());
        ps.setInt(6, u.cacheHit() ? 1 : 0);
        ps.setInt(7, u.stream() ? 1 : 0);
    }

    private static void bindOwn(PreparedStatement ps, int at, UsageRecord u, long charged) throws SQLException {
        ps.setString(at + 1, Sql.storable(u.id()));
        ps.setString(at + 2, Sql.storable(u.requestId()));
        ps.setInt(at + 3, u.promptTokens());
        ps.setInt(at + 4, u.completionTokens());
        ps.setInt(at + 5, u.cachedTokens());
        ps.setLong(at + 6, u.costMicros());
        ps.setLong(at + 7, charged);
        ps.setLong(at + 8, u.latencyMs());
        ps.setLong(at + 9, u.createdAt());
    }
}
