package dev.tokengate.store.jdbc;

import dev.tokengate.jobs.JobSignals;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job signals over PostgreSQL LISTEN/NOTIFY on channel {@value #CHANNEL}: "done:ID,ID,..." when jobs end, "queued"
 * when work is added. Signals raised while a NOTIFY is on its way are sent together in the next one (ids joined up to
 * {@value #MAX_PAYLOAD} characters, under PostgreSQL's 8000-byte payload limit), so a busy instance does not pay a
 * round trip per job. One dedicated connection blocks in getNotifications (a wait, not a poll) and reconnects on failure.
 */
public final class PgJobSignals implements JobSignals {
    private static final Logger LOG = LoggerFactory.getLogger(PgJobSignals.class);
    static final String CHANNEL = "tokengate_jobs";
    static final int MAX_PAYLOAD = 7000;

    private final String jdbcUrl;
    private final Sql sql;
    /** NOTIFY is a JDBC round trip: it runs here, never on the event loop that publishes. */
    private final java.util.concurrent.ExecutorService publisher =
            java.util.concurrent.Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("tokengate-pg-notify").factory());
    private final java.util.concurrent.ConcurrentLinkedQueue<String> doneIds = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean flushScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;
    private Thread listener;

    public PgJobSignals(Database db, String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
        this.sql = new Sql(db.dataSource());
    }

    @Override
    public void publishDone(String jobId) {
        doneIds.add(jobId);
        scheduleFlush();
    }

    @Override
    public void publishQueued() {
        queued.set(true);
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (closed || !flushScheduled.compareAndSet(false, true)) return;
        publisher.execute(this::flush);
    }

    private void flush() {
        // cleared first: a signal raised from here on schedules another flush
        flushScheduled.set(false);
        if (queued.getAndSet(false)) notify("queued");
        List<String> ids = new ArrayList<>();
        for (String id = doneIds.poll(); id != null; id = doneIds.poll()) ids.add(id);
        donePayloads(ids).forEach(this::notify);
    }

    /** "done:ID,ID,..." payloads naming every id, each at most {@value #MAX_PAYLOAD} characters. */
    static List<String> donePayloads(List<String> ids) {
        List<String> out = new ArrayList<>();
        StringBuilder payload = new StringBuilder("done:");
        for (String id : ids) {
            if (payload.length() > 5 && payload.length() + 1 + id.length() > MAX_PAYLOAD) {
                out.add(payload.toString());
                payload.setLength(5);
            }
            if (payload.length() > 5) payload.append(',');
            payload.append(id);
        }
        if (payload.length() > 5) out.add(payload.toString());
        return out;
    }

    private void notify(String payload) {
        try {
            sql.list("SELECT pg_notify(?, ?)", rs -> 1, CHANNEL, payload);
        } catch (RuntimeException e) {
            LOG.warn("NOTIFY failed: {}", e.getMessage());
        }
    }

    @Override
    public void subscribe(Consumer<String> onDone, Runnable onQueued) {
        listener = Thread.ofPlatform().daemon().name("tokengate-pg-listen").start(() -> {
            while (!closed) {
                try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                    PGConnection pg = c.unwrap(PGConnection.class);
                    while (!closed) {
                        PGNotification[] batch = pg.getNotifications(1000);
                        if (batch == null) continue;
                        for (PGNotification n : batch) {
                            String p = n.getParameter();
                            if (!p.startsWith("done:")) onQueued.run();
                            else for (String id : p.substring(5).split(",")) onDone.accept(id);
                        }
                    }
                } catch (SQLException e) {
                    if (closed) return;
                    LOG.warn("LISTEN connection lost ({}); reconnecting", e.getMessage());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        publisher.shutdown();
        if (listener != null) listener.interrupt();
    }
}
