package dev.tokengate.store.jdbc;

import dev.tokengate.jobs.Job;
import dev.tokengate.jobs.JobStatus;
import dev.tokengate.jobs.JobStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.sql.DataSource;

public final class JdbcJobStore implements JobStore {
    private static final Comparator<Job> CLAIM_ORDER =
            Comparator.comparingLong(Job::runAfter).thenComparingLong(Job::createdAt).thenComparing(Job::id);

    private final DataSource ds;
    private final Sql sql;
    private final JobSql q;
    private final boolean pg;
    /**
     * The group commits and claims (all run on the job writer's thread), with their statements prepared once, while a
     * writer {@link #holdWriterConnection() holds} it; otherwise each takes a pooled connection for its transaction.
     */
    private final HeldConnection writer;
    private volatile boolean holding;
    /** PostgreSQL: the channel on which a group commit announces the jobs it ended; null when it does not. */
    private volatile String endChannel;

    public JdbcJobStore(Database db) {
        this.ds = db.dataSource();
        this.sql = new Sql(ds);
        this.q = JobSql.of(db.dialect());
        this.pg = db.dialect() == Dialect.POSTGRESQL;
        this.writer = new HeldConnection(ds, db.dialect());
    }

    @Override
    public void holdWriterConnection() {
        holding = true;
    }

    @Override
    public void releaseWriterConnection() {
        holding = false;
        writer.close();
    }

    /** Gives the writer's held connection back to the pool. */
    public void close() {
        releaseWriterConnection();
    }

    /** {@code work} in one transaction on the held connection, or on a pooled one given back after it. */
    private <T> T writing(HeldConnection.Work<T> work) {
        if (holding) return writer.inTransaction(work);
        HeldConnection once = new HeldConnection(ds, pg ? Dialect.POSTGRESQL : Dialect.SQLITE);
        try {
            return once.inTransaction(work);
        } finally {
            once.close();
        }
    }

    @Override
    public void insert(List<Job> jobs) {
        sql.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(q.insert())) {
                Sql.batch(ps, jobs.stream().map(JdbcJobStore::row).toList(), 1000);
            }
        });
    }

    static Object[] row(Job j) {
        Job.Outcome o = j.outcome();
        Job.CallbackStatus cb = j.callbackStatus();
        return new Object[]{j.id(), j.userId(), j.kind(), j.batchId(), j.customId(), j.status().wire(), j.model(), j.request(),
                j.outputSchema(), j.cacheTtlSeconds(), j.idempotencyKey(), j.callback(), j.attempts(), j.leaseOwner(),
                j.leaseExpiresAt(), j.runAfter(),
                o == null ? null : o.servedModel(), o == null ? null : o.result(), o == null ? null : o.response(),
                o == null ? null : o.error(), o == null ? null : o.errorCode(), o == null ? null : o.errorStatus(),
                o == null ? null : o.promptTokens(), o == null ? null : o.completionTokens(), o == null ? null : o.costMicros(),
                o != null && o.cacheHit() ? 1 : 0, o == null ? null : o.ttftNs(), o == null ? null : o.durationNs(),
                cb.state(), cb.attempts(), cb.statusCode(), cb.error(), cb.sentAt(),
                j.createdAt(), j.updatedAt(), j.completedAt()};
    }

    @Override
    public Optional<Job> find(String id) {
        return sql.one(q.find(), JdbcJobStore::job, id);
    }

    @Override
    public Optional<Job> findByIdempotencyKey(String userId, String key) {
        return sql.one(q.findByIdempotencyKey(), JdbcJobStore::job, userId, key);
    }

    @Override
    public List<Job> claim(String owner, long now, long leaseUntil, int limit) {
        List<Job> claimed = held(q.claim(), owner, leaseUntil, now, now, limit, now, limit, limit);
        // RETURNING yields rows in no particular order
        claimed.sort(CLAIM_ORDER);
        return claimed;
    }

    @Override
    public List<Job> claim(String owner, long now, long leaseUntil, int limit, String model) {
        List<Job> claimed = held(q.claimModel(), owner, leaseUntil, now, model, now, limit, model, now, limit, limit);
        claimed.sort(CLAIM_ORDER);
        return claimed;
    }

    /**
     * A claim, on the writer's held connection when it holds one (claims run on the job writer's thread, between its group commits). On
     * PostgreSQL it is planned at every execution, never server-prepared: a cached generic plan (made while the table
     * was small) found the claimed rows by a sequential scan of the whole table.
     */
    private List<Job> held(String statement, Object... params) {
        return writing(c -> {
            PreparedStatement ps = c.statement(statement);
            if (pg) ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
            Sql.bind(ps, params);
            List<Job> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(job(rs));
            }
            return out;
        });
    }

    @Override
    public boolean putBack(String id, String owner, long runAfter, long now) {
        return sql.update(q.putBack(), runAfter, now, id, owner) == 1;
    }

    @Override
    public int renewLeases(String owner, long leaseUntil, long now) {
        return sql.update(q.renewLeases(), leaseUntil, owner);
    }

    @Override
    public int release(String owner, long now) {
        return sql.update(q.release(), now, now, owner);
    }

    @Override
    public int releaseAll(long now) {
        return sql.update(q.releaseAll(), now, now);
    }

    @Override
    public boolean complete(String id, String owner, Job.Outcome o, long now) {
        return sql.update(q.complete(), finish(id, owner, o, now)) == 1;
    }

    @Override
    public boolean fail(String id, String owner, Job.Outcome o, long now) {
        return sql.update(q.fail(), finish(id, owner, o, now)) == 1;
    }

    private static Object[] finish(String id, String owner, Job.Outcome o, long now) {
        return new Object[]{o.servedModel(), o.result(), o.response(), o.error(), o.errorCode(), o.errorStatus(),
                o.promptTokens(), o.completionTokens(), o.costMicros(), o.cacheHit() ? 1 : 0, o.ttftNs(), o.durationNs(),
                now, now, id, owner};
    }

    @Override
    public boolean retryLater(String id, String owner, long runAfter, Job.Outcome e, long now) {
        return sql.update(q.retryLater(), runAfter, e.error(), e.errorCode(), e.errorStatus(), now, id, owner) == 1;
    }

    @Override
    public boolean[] write(List<Job> jobs, List<Finish> finishes) {
        return write(jobs, finishes, null);
    }

    @Override
    public boolean announcesEnds() {
        return endChannel != null;
    }

    /**
     * PostgreSQL: announce the jobs a group ends (those flagged by the caller) as {@link PgJobSignals} does, with a
     * NOTIFY sent in the group's own transaction (delivered at its commit) instead of a transaction of its own after it.
     */
    public void announceEnds() {
        if (!pg) throw new IllegalStateException("only PostgreSQL announces job ends");
        this.endChannel = PgJobSignals.CHANNEL;
    }

    /**
     * The group commit, on the held connection with its statements prepared once: one batched insert, one batched
     * update per kind of finish, and (PostgreSQL, {@link #announceEnds}) the NOTIFY of the flagged jobs it ended.
     */
    @Override
    public boolean[] write(List<Job> jobs, List<Finish> finishes, boolean[] announce) {
        boolean[] applied = new boolean[finishes.size()];
        writing(c -> {
            if (!jobs.isEmpty()) {
                Sql.batch(c.statement(q.insert()), jobs.stream().map(JdbcJobStore::row).toList(), 1000);
            }
            applyFinishes(c, finishes, f -> f.status() == JobStatus.COMPLETED, q.complete(),
                    f -> finish(f.id(), f.owner(), f.outcome(), f.now()), applied);
            applyFinishes(c, finishes, f -> f.status() == JobStatus.FAILED, q.fail(),
                    f -> finish(f.id(), f.owner(), f.outcome(), f.now()), applied);
            applyFinishes(c, finishes, f -> f.status() == JobStatus.PENDING && !f.putBack(), q.retryLater(),
                    f -> new Object[]{f.runAfter(), f.outcome().error(), f.outcome().errorCode(), f.outcome().errorStatus(),
                            f.now(), f.id(), f.owner()}, applied);
            applyFinishes(c, finishes, Finish::putBack, q.putBack(),
                    f -> new Object[]{f.runAfter(), f.now(), f.id(), f.owner()}, applied);
            String channel = endChannel;
            if (channel != null && announce != null) {
                List<String> ended = new ArrayList<>();
                for (int i = 0; i < applied.length; i++) {
                    if (applied[i] && announce[i] && finishes.get(i).status().terminal()) ended.add(finishes.get(i).id());
                }
                if (!ended.isEmpty()) {
                    PreparedStatement notify = c.statement("SELECT pg_notify(?, ?)");
                    for (String payload : PgJobSignals.donePayloads(ended)) {
                        Sql.bind(notify, channel, payload);
                        notify.executeQuery().close();
                    }
                }
            }
            return null;
        });
        return applied;
    }

    /** One batched statement for the finishes of one kind; marks those that matched their row. */
    private static void applyFinishes(HeldConnection c, List<Finish> finishes, Predicate<Finish> kind,
                                      String statement, Function<Finish, Object[]> params, boolean[] applied)
            throws SQLException {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < finishes.size(); i++) if (kind.test(finishes.get(i))) at.add(i);
        if (at.isEmpty()) return;
        PreparedStatement ps = c.statement(statement);
        for (int i : at) {
            Sql.bind(ps, params.apply(finishes.get(i)));
            ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        for (int k = 0; k < at.size(); k++) applied[at.get(k)] = counts[k] == 1;
    }

    @Override
    public List<Job> pendingCallbacks(int limit) {
        return sql.list(q.pendingCallbacks(), JdbcJobStore::job, limit);
    }

    @Override
    public void recordCallback(String id, Job.CallbackStatus s, long now) {
        sql.update(q.recordCallback(), s.state(), s.attempts(), s.statusCode(), s.error(), s.sentAt(), now, id);
    }

    static Job job(ResultSet rs) throws SQLException {
        String served = rs.getString("served_model");
        String error = rs.getString("error");
        Job.Outcome outcome = served == null && error == null && rs.getString("result") == null ? null
                : new Job.Outcome(served, rs.getString("result"), rs.getString("response"), error, rs.getString("error_code"),
                        nullableInt(rs, "error_status"), rs.getInt("prompt_tokens"), rs.getInt("completion_tokens"),
                        rs.getLong("cost_micros"), rs.getInt("cache_hit") == 1, Sql.nullableLong(rs, "ttft_ns"),
                        Sql.nullableLong(rs, "duration_ns"));
        Job.CallbackStatus cb = new Job.CallbackStatus(rs.getString("callback_state"), rs.getInt("callback_attempts"),
                nullableInt(rs, "callback_status_code"), rs.getString("callback_error"), Sql.nullableLong(rs, "callback_sent_at"));
        return new Job(rs.getString("id"), rs.getString("user_id"), rs.getString("kind"), rs.getString("batch_id"),
                rs.getString("custom_id"), JobStatus.fromWire(rs.getString("status")), rs.getString("model"),
                rs.getString("request"), rs.getString("output_schema"), nullableInt(rs, "cache_ttl_seconds"),
                rs.getString("idempotency_key"), rs.getString("callback"), rs.getInt("attempts"), rs.getString("lease_owner"),
                Sql.nullableLong(rs, "lease_expires_at"), rs.getLong("run_after"), outcome, cb, rs.getLong("created_at"),
                rs.getLong("updated_at"), Sql.nullableLong(rs, "completed_at"));
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
