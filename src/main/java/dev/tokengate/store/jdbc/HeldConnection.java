package dev.tokengate.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * One pooled connection that a writer keeps between its transactions, with the statements it runs prepared once:
 * SQLite compiles a statement on every prepare, and the ledger writer runs the same few in every batch. A failed
 * transaction is rolled back and the connection given back to the pool (it may be broken); the next transaction takes a
 * fresh one. Transactions are serialized.
 *
 * <p>On SQLite a transaction begins as a writer ({@code BEGIN IMMEDIATE}, issued by hand with the driver in auto-commit
 * mode): these transactions read, then write, and in WAL mode a reader's upgrade to writer fails at once with
 * {@code SQLITE_BUSY} when another connection wrote meanwhile, without waiting for {@code busy_timeout}. (The driver's
 * own {@code transaction_mode=IMMEDIATE} would begin the next transaction right after each commit and so hold the write
 * lock between batches.) Both commands are prepared once like the other statements: a plain {@code Statement} compiles
 * them again on every transaction, and the driver scans each for generated keys with a regular expression.
 */
final class HeldConnection implements AutoCloseable {
    @FunctionalInterface
    interface Work<T> {
        T run(HeldConnection c) throws SQLException;
    }

    private final DataSource ds;
    private final boolean beginImmediate;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private Connection connection;

    HeldConnection(DataSource ds, Dialect dialect) {
        this.ds = ds;
        this.beginImmediate = dialect == Dialect.SQLITE;
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    synchronized <T> T inTransaction(Work<T> work) {
        try {
            if (connection == null) {
                connection = ds.getConnection();
                if (!beginImmediate) connection.setAutoCommit(false);
            }
            if (beginImmediate) statement("BEGIN IMMEDIATE").execute();
            T result = work.run(this);
            if (beginImmediate) statement("COMMIT").execute();
            else connection.commit();
            return result;
        } catch (SQLException e) {
            giveBack(true);
            throw new Sql.StorageException(e);
        } catch (RuntimeException e) {
            giveBack(true);
            throw e;
        }
    }

    /** The statement for {@code sql} on this connection, prepared on first use. Call it only inside {@link #inTransaction}. */
    PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    private void execute(String command) throws SQLException {
        try (java.sql.Statement st = connection.createStatement()) {
            st.execute(command);
        }
    }

    private void giveBack(boolean rollback) {
        if (connection == null) return;
        try {
            if (rollback && beginImmediate) execute("ROLLBACK");
            else if (rollback) connection.rollback();
        } catch (SQLException ignored) {
            // a broken connection: the pool drops it when it is closed
        }
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closed with its connection
            }
        }
        statements.clear();
        try {
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // as above
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // as above
        }
        connection = null;
    }

    @Override
    public synchronized void close() {
        giveBack(false);
    }
}
