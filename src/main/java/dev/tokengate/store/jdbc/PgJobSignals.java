package dev.tokengate.store.jdbc;

import dev.tokengate.jobs.JobSignals;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job signals over PostgreSQL LISTEN/NOTIFY on channel {@value #CHANNEL}: "done:ID" when a job ends, "queued" when
 * work is added. One dedicated connection blocks in getNotifications (a wait, not a poll) and reconnects on failure.
 */
public final class PgJobSignals implements JobSignals {
    private static final Logger LOG = LoggerFactory.getLogger(PgJobSignals.class);
    static final String CHANNEL = "tokengate_jobs";

    private final String jdbcUrl;
    private final Sql sql;
    /** NOTIFY is a JDBC round trip: it runs here, never on the event loop that publishes. */
    private final java.util.concurrent.ExecutorService publisher =
            java.util.concurrent.Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("tokengate-pg-notify").factory());
    private volatile boolean closed;
    private Thread listener;

    public PgJobSignals(Database db, String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
        this.sql = new Sql(db.dataSource());
    }

    @Override
    public void publishDone(String jobId) {
        notify("done:" + jobId);
    }

    @Override
    public void publishQueued() {
        notify("queued");
    }

    private void notify(String payload) {
        if (closed) return;
        publisher.execute(() -> {
            try {
                sql.list("SELECT pg_notify(?, ?)", rs -> 1, CHANNEL, payload);
            } catch (RuntimeException e) {
                LOG.warn("NOTIFY failed: {}", e.getMessage());
            }
        });
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
                            if (p.startsWith("done:")) onDone.accept(p.substring(5));
                            else onQueued.run();
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
