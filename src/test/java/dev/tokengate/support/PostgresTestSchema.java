package dev.tokengate.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A PostgreSQL schema of its own on the test server (127.0.0.1:5432, database test, user postgres), created by the
 * gateway's Flyway on first use and dropped on close. Two gateways given the same {@link #jdbcUrl()} share it.
 */
public final class PostgresTestSchema implements AutoCloseable {
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private final String name = "t_acct_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);

    public String jdbcUrl() {
        return SERVER + "&currentSchema=" + name;
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(SERVER); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test schema " + name, e);
        }
    }
}
