package dev.tokengate.support;

import dev.tokengate.store.jdbc.Database;
import dev.tokengate.store.jdbc.Dialect;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The three storage backends for contract tests. A {@link Fixture} opens a fresh, migrated {@link Database} for a test
 * class (none for {@link Kind#MEMORY}), empties its tables before each test and drops it after the class: SQLite in a
 * temporary file, PostgreSQL in a schema of its own at {@link #POSTGRESQL_SERVER}. An unreachable PostgreSQL fails the
 * test class; it is never skipped.
 *
 * <p>A port's contract is an abstract class with an abstract factory, run by one tiny subclass per backend:
 * <pre>{@code
 * abstract class JobStoreContract {
 *     protected abstract JobStore newStore();          // called before each test, on empty tables
 *     @Test void ... }
 *
 * class JobStoreContractSqliteTest extends JobStoreContract {
 *     @RegisterExtension static final StoreBackends.Fixture db = StoreBackends.fixture(StoreBackends.Kind.SQLITE);
 *     @Override protected JobStore newStore() { return new JdbcJobStore(db.database()); }
 * }
 * }</pre>
 */
public final class StoreBackends {
    public static final String POSTGRESQL_SERVER = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final int POOL_SIZE = 8;

    public enum Kind { MEMORY, SQLITE, POSTGRESQL }

    private StoreBackends() {}

    /** Register the result on a {@code static} field with {@code @RegisterExtension}. */
    public static Fixture fixture(Kind kind) {
        return new Fixture(kind);
    }

    /** The JDBC URL of a SQLite database file in {@code dir}. */
    public static String sqliteUrl(Path dir) {
        return "jdbc:sqlite:" + dir.resolve("tokengate.db");
    }

    public static final class Fixture implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
        private final Kind kind;
        private Path sqliteDir;
        private PostgresSchema schema;
        private Database database;
        private String jdbcUrl;
        private boolean opened;

        private Fixture(Kind kind) {
            this.kind = kind;
        }

        public Kind kind() { return kind; }

        /** The class's database, emptied before each test; null for {@link Kind#MEMORY}. */
        public Database database() {
            if (!opened) throw new IllegalStateException("register the fixture on a static @RegisterExtension field");
            return database;
        }

        /** The JDBC URL of {@link #database()}, for components that open connections of their own; null for memory. */
        public String jdbcUrl() {
            database();
            return jdbcUrl;
        }

        @Override
        public void beforeAll(ExtensionContext context) throws IOException {
            opened = true;
            switch (kind) {
                case MEMORY -> { }
                case SQLITE -> {
                    sqliteDir = Files.createTempDirectory("tokengate-store");
                    jdbcUrl = sqliteUrl(sqliteDir);
                    database = Database.open(jdbcUrl, POOL_SIZE);
                }
                case POSTGRESQL -> {
                    schema = PostgresSchema.create();
                    jdbcUrl = schema.jdbcUrl();
                    database = Database.open(jdbcUrl, POOL_SIZE);
                }
            }
        }

        @Override
        public void beforeEach(ExtensionContext context) throws SQLException {
            database();
            if (database != null) emptyAllTables(database);
        }

        @Override
        public void afterAll(ExtensionContext context) throws IOException {
            if (database != null) database.close();
            if (schema != null) schema.close();
            if (sqliteDir != null) deleteRecursively(sqliteDir);
        }
    }

    /**
     * A PostgreSQL schema named {@code t_<random>} that nobody else uses. It is not created here: {@link Database#open}
     * creates it through Flyway, as it does in production. Closing drops it with everything in it.
     */
    public static final class PostgresSchema implements AutoCloseable {
        private final String name;

        private PostgresSchema(String name) {
            this.name = name;
        }

        /** Fails with a clear message when PostgreSQL does not answer at {@link #POSTGRESQL_SERVER}. */
        public static PostgresSchema create() {
            try (Connection ignored = DriverManager.getConnection(POSTGRESQL_SERVER + "&connectTimeout=5")) {
                return new PostgresSchema("t_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
            } catch (SQLException e) {
                throw new AssertionError("PostgreSQL is not reachable at " + POSTGRESQL_SERVER + " (" + e.getMessage()
                        + "). The storage tests need it: start it (.ci/run does) or create database 'test'.", e);
            }
        }

        public String name() { return name; }

        public String jdbcUrl() { return POSTGRESQL_SERVER + "&currentSchema=" + name; }

        /** The form an operator writes in {@code storage.db_url} or {@code --db}. */
        public String operatorUrl() { return "postgresql://postgres@127.0.0.1:5432/test?currentSchema=" + name; }

        @Override
        public void close() {
            try (Connection c = DriverManager.getConnection(POSTGRESQL_SERVER); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
            } catch (SQLException e) {
                throw new IllegalStateException("could not drop schema " + name, e);
            }
        }
    }

    private static void emptyAllTables(Database db) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            List<String> tables = tables(c, db.dialect());
            if (tables.isEmpty()) return;
            if (db.dialect() == Dialect.POSTGRESQL) {
                s.execute("TRUNCATE " + String.join(", ", tables) + " CASCADE");
                return;
            }
            c.setAutoCommit(false);
            try {
                // foreign keys are checked at commit, when every table is empty
                s.execute("PRAGMA defer_foreign_keys = ON");
                for (String t : tables) s.execute("DELETE FROM " + t);
                c.commit();
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static List<String> tables(Connection c, Dialect dialect) throws SQLException {
        String query = dialect == Dialect.POSTGRESQL
                ? "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                if (!rs.getString(1).equals("flyway_schema_history")) out.add('"' + rs.getString(1) + '"');
            }
        }
        return out;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
