package dev.tokengate.store.jdbc;

import dev.tokengate.batches.Batch;
import dev.tokengate.batches.BatchCounts;
import dev.tokengate.batches.BatchStatus;
import dev.tokengate.batches.BatchStore;
import dev.tokengate.jobs.Job;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

public final class JdbcBatchStore implements BatchStore {
    private final DataSource ds;
    private final Sql sql;
    private final BatchSql q;
    private final JobSql jobSql;

    public JdbcBatchStore(Database db) {
        this.ds = db.dataSource();
        this.sql = new Sql(ds);
        this.q = BatchSql.of(db.dialect());
        this.jobSql = JobSql.of(db.dialect());
    }

    @Override
    public void create(Batch b, List<Job> items) {
        Job.CallbackStatus cb = b.callbackStatus();
        Object[] batchRow = {b.id(), b.userId(), b.api(), b.status().stored(), b.agentId(), b.endpoint(), b.inputFileId(),
                b.outputFileId(), b.errorFileId(), b.completionWindow(), b.metadata(), b.errors(), b.callbackUrl(),
                cb.state(), cb.attempts(), cb.statusCode(), cb.error(), cb.sentAt(), b.total(), b.ttftNs(),
                b.totalDurationNs(), b.createdAt(), b.updatedAt(), b.inProgressAt(), b.finalizingAt(), b.completedAt(),
                b.failedAt(), b.cancellingAt(), b.cancelledAt(), b.expiresAt(), b.expiredAt()};
        sql.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(q.insert()); PreparedStatement js = c.prepareStatement(jobSql.insert())) {
                Sql.bind(ps, batchRow);
                ps.executeUpdate();
                Sql.batch(js, items.stream().map(JdbcJobStore::row).toList(), 1000);
            }
        });
    }

    @Override
    public Optional<Batch> find(String id) {
        return sql.one(q.find(), JdbcBatchStore::batch, id);
    }

    @Override
    public List<Batch> list(String userId, String api, String after, String before, int limit, boolean ascending) {
        return sql.list(ascending ? q.listAsc() : q.listDesc(), JdbcBatchStore::batch, userId, api, after, after, userId,
                api, before, before, userId, api, limit);
    }

    @Override
    public BatchCounts counts(String batchId) {
        int[] n = new int[5];
        long[] tokens = new long[2];
        Long[] ttft = {null};
        java.util.Set<String> models = new java.util.HashSet<>();
        sql.list(q.counts(), rs -> {
            int count = rs.getInt("n");
            models.add(rs.getString("m_lo"));
            models.add(rs.getString("m_hi"));
            switch (rs.getString("status")) {
                case "pending" -> n[0] += count;
                case "assigned" -> n[1] += count;
                case "completed" -> {
                    n[2] += count;
                    tokens[0] += rs.getLong("p");
                    tokens[1] += rs.getLong("c");
                    Long t = Sql.nullableLong(rs, "t");
                    if (t != null) ttft[0] = t;
                }
                case "failed" -> n[3] += count;
                default -> n[4] += count;
            }
            return null;
        }, batchId);
        return new BatchCounts(n[0] + n[1] + n[2] + n[3] + n[4], n[0], n[1], n[2], n[3], n[4], tokens[0], tokens[1], ttft[0],
                models.size() == 1 ? models.iterator().next() : null);
    }

    @Override
    public boolean hasActiveItems(String batchId) {
        return sql.one(q.anyActive(), rs -> true, batchId).isPresent();
    }

    @Override
    public List<Job> items(String batchId) {
        return sql.list(q.items(), JdbcJobStore::job, batchId);
    }

    @Override
    public boolean transition(String id, List<BatchStatus> from, BatchStatus to, long now, Long ttftNs, Long totalDurationNs,
                              String outputFileId, String errorFileId) {
        String statement = String.format(q.transition(), String.join(", ", Collections.nCopies(from.size(), "?")));
        List<Object> p = new ArrayList<>(List.of(to.stored(), now));
        for (int i = 0; i < 7; i++) {
            p.add(to.stored());
            p.add(now);
        }
        p.add(ttftNs);
        p.add(totalDurationNs);
        p.add(outputFileId);
        p.add(errorFileId);
        p.add(!to.active());
        p.add(id);
        for (BatchStatus s : from) p.add(s.stored());
        return sql.update(statement, p.toArray()) == 1;
    }

    @Override
    public boolean retakeFinalizing(String id, long staleBefore, long now) {
        return sql.update(q.retakeFinalizing(), now, now, id, staleBefore) == 1;
    }

    @Override
    public int cancelPendingItems(String batchId, String reason, long now) {
        return sql.update(q.cancelPending(), reason, now, now, batchId);
    }

    @Override
    public List<String> activeBatchIds(int limit) {
        return sql.list(q.active(), rs -> rs.getString("id"), limit);
    }

    @Override
    public void recordCallback(String id, Job.CallbackStatus s, long now) {
        sql.update(q.recordCallback(), s.state(), s.attempts(), s.statusCode(), s.error(), s.sentAt(), now, id);
    }

    private static Batch batch(ResultSet rs) throws SQLException {
        Integer cbStatus = rs.getInt("callback_status_code");
        if (rs.wasNull()) cbStatus = null;
        return new Batch(rs.getString("id"), rs.getString("user_id"), rs.getString("api"),
                BatchStatus.fromStored(rs.getString("status")), rs.getString("agent_id"), rs.getString("endpoint"),
                rs.getString("input_file_id"), rs.getString("output_file_id"), rs.getString("error_file_id"),
                rs.getString("completion_window"), rs.getString("metadata"), rs.getString("errors"), rs.getString("callback_url"),
                new Job.CallbackStatus(rs.getString("callback_state"), rs.getInt("callback_attempts"), cbStatus,
                        rs.getString("callback_error"), Sql.nullableLong(rs, "callback_sent_at")),
                rs.getInt("total"), Sql.nullableLong(rs, "ttft_ns"), Sql.nullableLong(rs, "total_duration_ns"),
                rs.getLong("created_at"), rs.getLong("updated_at"), Sql.nullableLong(rs, "in_progress_at"),
                Sql.nullableLong(rs, "finalizing_at"), Sql.nullableLong(rs, "completed_at"), Sql.nullableLong(rs, "failed_at"),
                Sql.nullableLong(rs, "cancelling_at"), Sql.nullableLong(rs, "cancelled_at"), rs.getLong("expires_at"),
                Sql.nullableLong(rs, "expired_at"));
    }

    @Override
    public boolean deleteEnded(String id) {
        boolean[] deleted = {false};
        sql.inTransaction(c -> {
            try (PreparedStatement batch = c.prepareStatement(q.deleteEnded()); PreparedStatement items = c.prepareStatement(q.deleteItems())) {
                Sql.bind(batch, id);
                if (batch.executeUpdate() == 0) return;
                Sql.bind(items, id);
                items.executeUpdate();
                deleted[0] = true;
            }
        });
        return deleted[0];
    }
}
