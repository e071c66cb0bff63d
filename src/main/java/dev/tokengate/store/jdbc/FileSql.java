package dev.tokengate.store.jdbc;

/** Named statements for files, one instance per dialect. Times are epoch milliseconds. */
record FileSql(String insert, String find, String listDesc, String listAsc, String content, String delete) {

    static final String COLUMNS = "id, user_id, purpose, filename, bytes, created_at, expires_at";

    /** Keyset pagination over (created_at, id); a cursor id that is not the user's matches nothing. */
    private static String list(String cmp, String order) {
        return "SELECT " + COLUMNS + " FROM files WHERE user_id = ? AND (CAST(? AS VARCHAR(32)) IS NULL OR purpose = ?) "
                + "AND (expires_at IS NULL OR expires_at > ?) "
                + "AND (CAST(? AS VARCHAR(64)) IS NULL OR (created_at, id) " + cmp
                + " (SELECT created_at, id FROM files WHERE id = ? AND user_id = ?)) "
                + "ORDER BY created_at " + order + ", id " + order + " LIMIT ?";
    }

    private static final FileSql COMMON = new FileSql(
            "INSERT INTO files (" + COLUMNS + ", content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            "SELECT " + COLUMNS + " FROM files WHERE id = ?",
            list("<", "DESC"),
            list(">", "ASC"),
            "SELECT content FROM files WHERE id = ?",
            "DELETE FROM files WHERE id = ?");

    static final FileSql SQLITE = COMMON;
    static final FileSql POSTGRESQL = COMMON;

    static FileSql of(Dialect d) {
        return switch (d) {
            case SQLITE -> SQLITE;
            case POSTGRESQL -> POSTGRESQL;
        };
    }
}
