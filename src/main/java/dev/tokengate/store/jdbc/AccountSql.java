package dev.tokengate.store.jdbc;

/** Named statements for users and keys, one instance per dialect. Times are epoch milliseconds. */
record AccountSql(String insertUser, String findUser, String listUsers, String insertKey, String listKeys,
                  String findKeyByHash, String revokeKey, String insertSecret, String findSecret) {

    private static final String USER_COLUMNS = "id, name, tier, created_at";
    private static final String KEY_COLUMNS = "id, user_id, name, prefix, key_hash, created_at, revoked_at";

    /** SQLite and PostgreSQL share this ANSI subset; a dialect gets its own instance when they part. */
    static final AccountSql SQLITE = new AccountSql(
            "INSERT INTO users (" + USER_COLUMNS + ") VALUES (?, ?, ?, ?)",
            "SELECT " + USER_COLUMNS + " FROM users WHERE id = ?",
            "SELECT " + USER_COLUMNS + " FROM users ORDER BY created_at, id",
            "INSERT INTO api_keys (" + KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
            "SELECT " + KEY_COLUMNS + " FROM api_keys WHERE user_id = ? ORDER BY created_at, id",
            "SELECT " + KEY_COLUMNS + " FROM api_keys WHERE key_hash = ?",
            "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
            "INSERT INTO user_secrets (user_id, callback_secret) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING",
            "SELECT callback_secret FROM user_secrets WHERE user_id = ?");

    static final AccountSql POSTGRESQL = SQLITE;

    static AccountSql of(Dialect d) {
        return switch (d) {
            case SQLITE -> SQLITE;
            case POSTGRESQL -> POSTGRESQL;
        };
    }
}
