package dev.tokengate.store.jdbc;

/** Named statements for stored responses, one instance per dialect. */
record ResponseSql(String insert, String find, String delete) {

    /** SQLite and PostgreSQL share this ANSI subset; a dialect gets its own instance when they part. */
    static final ResponseSql SQLITE = new ResponseSql(
            "INSERT INTO responses (id, user_id, created_at, response, input_items) VALUES (?, ?, ?, ?, ?)",
            "SELECT id, user_id, created_at, response, input_items FROM responses WHERE id = ? AND user_id = ?",
            "DELETE FROM responses WHERE id = ? AND user_id = ?");

    static final ResponseSql POSTGRESQL = SQLITE;

    static ResponseSql of(Dialect d) {
        return switch (d) {
            case SQLITE -> SQLITE;
            case POSTGRESQL -> POSTGRESQL;
        };
    }
}
