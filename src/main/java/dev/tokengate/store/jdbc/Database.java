package dev.tokengate.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * A pooled JDBC database with its schema migrated by Flyway. SQLite runs in WAL mode with a busy timeout, so readers
 * never wait for the single writer; PostgreSQL may be given a schema with {@code currentSchema=NAME} in the URL.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Dialect dialect;

    private Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
    }

    public static Database open(String jdbcUrl, int maxPoolSize) {
        Dialect dialect = Dialect.of(jdbcUrl);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(jdbcUrl);
        hc.setPoolName("tokengate-" + dialect.name().toLowerCase(java.util.Locale.ROOT));
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(10_000);
        if (dialect == Dialect.SQLITE) {
            hc.addDataSourceProperty("journal_mode", "WAL");
            hc.addDataSourceProperty("synchronous", "NORMAL");
            hc.addDataSourceProperty("busy_timeout", "10000");
            hc.addDataSourceProperty("foreign_keys", "true");
            // nothing reads generated keys; with the driver's default, every INSERT it runs is followed by a query for
            // the last row id, compiled anew each time (seen in the ledger writer's profile)
            hc.addDataSourceProperty("jdbc.get_generated_keys", "false");
            hc.setMaximumPoolSize(Math.min(maxPoolSize, 8));
        } else {
            // a batch of inserts (a group commit, a batch's items) goes as multi-row INSERTs: fewer statements to run
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
            hc.setMaximumPoolSize(maxPoolSize);
        }
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            String schema = schemaOf(jdbcUrl);
            var flyway = Flyway.configure().dataSource(ds).locations(dialect.migrations());
            if (schema != null) flyway = flyway.schemas(schema).createSchemas(true);
            flyway.load().migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, dialect);
    }

    private static String schemaOf(String url) {
        int q = url.indexOf('?');
        if (q < 0) return null;
        for (String p : url.substring(q + 1).split("&")) {
            if (p.startsWith("currentSchema=")) return p.substring("currentSchema=".length());
        }
        return null;
    }

    public DataSource dataSource() { return dataSource; }

    public Dialect dialect() { return dialect; }

    public boolean reachable() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
