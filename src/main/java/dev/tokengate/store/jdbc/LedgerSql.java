package dev.tokengate.store.jdbc;

/** Named statements of the ledger, one instance per dialect. Times are epoch milliseconds, money integer micro-dollars. */
record LedgerSql(String openAccount, String findAccount, String reserve, String insertHold, String releaseHeld,
                 String charge, String deleteHold, String credit, String insertEntry,
                 String entryCursor, String entriesPage, String usageCursor, String usagePage, String renewHolds,
                 String expiredHolds, String usageExists) {

    private static final String ACCOUNT_COLUMNS = "user_id, balance_micros, reserved_micros, unlimited, updated_at";
    static final String ENTRY_COLUMNS = "id, user_id, kind, amount_micros, balance_after_micros, reason, created_at";
    static final String USAGE_COLUMNS = "id, request_id, user_id, key_id, model, deployment, prompt_tokens, completion_tokens, "
            + "cached_tokens, cost_micros, charged_micros, latency_ms, status, cache_hit, stream, created_at";

    /** The hold is taken only if the balance still covers it after every other hold: the whole check is this one row update. */
    private static final String CONDITIONAL_HOLD = "UPDATE balances SET reserved_micros = reserved_micros + ?, updated_at = ? "
            + "WHERE user_id = ? AND balance_micros - reserved_micros >= ?";

    private static LedgerSql build(String reserve) {
        return new LedgerSql(
                "INSERT INTO balances (" + ACCOUNT_COLUMNS + ") VALUES (?, ?, 0, ?, ?) ON CONFLICT (user_id) DO NOTHING",
                "SELECT " + ACCOUNT_COLUMNS + " FROM balances WHERE user_id = ?",
                reserve,
                "INSERT INTO balance_holds (id, user_id, micros, owner, expires_at) VALUES (?, ?, ?, ?, ?)",
                // locks the row for the rest of the settling transaction and says what the balance can still cover
                "UPDATE balances SET reserved_micros = reserved_micros - ?, updated_at = ? WHERE user_id = ? "
                        + "RETURNING balance_micros - reserved_micros",
                "UPDATE balances SET balance_micros = balance_micros - ? WHERE user_id = ?",
                "DELETE FROM balance_holds WHERE id = ?",
                "UPDATE balances SET balance_micros = balance_micros + ?, updated_at = ? "
                        + "WHERE user_id = ? AND balance_micros + ? >= reserved_micros RETURNING balance_micros",
                "INSERT INTO balance_entries (" + ENTRY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                "SELECT created_at FROM balance_entries WHERE id = ? AND user_id = ?",
                "SELECT " + ENTRY_COLUMNS + " FROM balance_entries WHERE user_id = ? AND (created_at < ? OR (created_at = ? AND id < ?)) "
                        + "ORDER BY created_at DESC, id DESC LIMIT ?",
                "SELECT created_at FROM usage_records WHERE id = ? AND user_id = ?",
                "SELECT " + USAGE_COLUMNS + " FROM usage_records WHERE user_id = ? AND created_at >= ? AND created_at < ? "
                        + "AND (? = '' OR model = ?) AND (created_at < ? OR (created_at = ? AND id < ?)) "
                        + "ORDER BY created_at DESC, id DESC LIMIT ?",
                "UPDATE balance_holds SET expires_at = ? WHERE owner = ?",
                "SELECT id, user_id, micros FROM balance_holds WHERE expires_at < ? ORDER BY id",
                "SELECT 1 FROM usage_records WHERE id = ?");
    }

    /** SQLite has one writer at a time: the conditional update and the hold insert run in one short transaction. */
    static final LedgerSql SQLITE = build(CONDITIONAL_HOLD);

    /** PostgreSQL does both in one statement (one round trip): the insert happens only when the update matched. */
    static final LedgerSql POSTGRESQL = build("WITH held AS (" + CONDITIONAL_HOLD + " RETURNING user_id) "
            + "INSERT INTO balance_holds (id, user_id, micros, owner, expires_at) SELECT ?, user_id, ?, ?, ? FROM held");

    boolean reserveInsertsHold() {
        return this == POSTGRESQL;
    }

    static LedgerSql of(Dialect d) {
        return switch (d) {
            case SQLITE -> SQLITE;
            case POSTGRESQL -> POSTGRESQL;
        };
    }
}
