package dev.tokengate.store.jdbc;

public enum Dialect {
    SQLITE, POSTGRESQL;

    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) return SQLITE;
        if (jdbcUrl.startsWith("jdbc:postgresql:")) return POSTGRESQL;
        throw new IllegalArgumentException("unsupported JDBC URL (expected sqlite or postgresql)");
    }

    /** The Flyway location holding this dialect's migrations. */
    public String migrations() {
        return "classpath:db/" + name().toLowerCase(java.util.Locale.ROOT);
    }
}
