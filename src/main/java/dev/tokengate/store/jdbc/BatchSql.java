package dev.tokengate.store.jdbc;

/** Named statements for batches, one instance per dialect. Times are epoch milliseconds. */
record BatchSql(String insert, String find, String listDesc, String listAsc, String counts, String items,
                String transition, String retakeFinalizing, String cancelPending, String active, String recordCallback,
                String deleteEnded, String deleteItems, String anyActive) {

    static final String COLUMNS = "id, user_id, api, status, agent_id, endpoint, input_file_id, output_file_id, error_file_id, "
            + "completion_window, metadata, errors, callback_url, callback_state, callback_attempts, callback_status_code, "
            + "callback_error, callback_sent_at, total, ttft_ns, total_duration_ns, created_at, updated_at, in_progress_at, "
            + "finalizing_at, completed_at, failed_at, cancelling_at, cancelled_at, expires_at, expired_at";

    /** Keyset pagination over (created_at, id); a cursor id that is not one of the listed batches matches nothing. */
    private static String list(String cmp, String order) {
        return "SELECT " + COLUMNS + " FROM batches WHERE user_id = ? AND api = ? "
                + "AND (CAST(? AS VARCHAR(64)) IS NULL OR (created_at, id) " + cmp + " (SELECT created_at, id FROM batches WHERE id = ? AND user_id = ? AND api = ?)) "
                + "AND (CAST(? AS VARCHAR(64)) IS NULL OR (created_at, id) " + (cmp.equals(">") ? "<" : ">") + " (SELECT created_at, id FROM batches WHERE id = ? AND user_id = ? AND api = ?)) "
                + "ORDER BY created_at " + order + ", id " + order + " LIMIT ?";
    }

    private static final BatchSql COMMON = new BatchSql(
            "INSERT INTO batches (" + COLUMNS + ") VALUES (" + "?, ".repeat(30) + "?)",
            "SELECT " + COLUMNS + " FROM batches WHERE id = ?",
            list("<", "DESC"),
            list(">", "ASC"),
            "SELECT status, COUNT(*) AS n, SUM(prompt_tokens) AS p, SUM(completion_tokens) AS c, MIN(ttft_ns) AS t, "
                    + "MIN(model) AS m_lo, MAX(model) AS m_hi "
                    + "FROM jobs WHERE batch_id = ? GROUP BY status",
            "SELECT " + JobSql.COLUMNS + " FROM jobs WHERE batch_id = ? ORDER BY id",
            "UPDATE batches SET status = ?, updated_at = ?, "
                    + "in_progress_at = CASE WHEN ? = 'in_progress' THEN ? ELSE in_progress_at END, "
                    + "finalizing_at = CASE WHEN ? = 'finalizing' THEN ? ELSE finalizing_at END, "
                    + "completed_at = CASE WHEN ? = 'completed' THEN ? ELSE completed_at END, "
                    + "failed_at = CASE WHEN ? = 'failed' THEN ? ELSE failed_at END, "
                    + "cancelling_at = CASE WHEN ? = 'cancelling' THEN ? ELSE cancelling_at END, "
                    + "cancelled_at = CASE WHEN ? = 'cancelled' THEN ? ELSE cancelled_at END, "
                    + "expired_at = CASE WHEN ? = 'expired' THEN ? ELSE expired_at END, "
                    + "ttft_ns = COALESCE(?, ttft_ns), total_duration_ns = COALESCE(?, total_duration_ns), "
                    + "output_file_id = COALESCE(?, output_file_id), error_file_id = COALESCE(?, error_file_id), "
                    + "callback_state = CASE WHEN ? AND callback_url IS NOT NULL THEN 'pending' ELSE callback_state END "
                    + "WHERE id = ? AND status IN (%s)",
            "UPDATE batches SET finalizing_at = ?, updated_at = ? WHERE id = ? AND status = 'finalizing' AND finalizing_at < ?",
            "UPDATE jobs SET status = 'cancelled', error = ?, error_code = 'batch_cancelled', error_status = 499, "
                    + "completed_at = ?, updated_at = ? WHERE batch_id = ? AND status = 'pending'",
            "SELECT id FROM batches WHERE status IN ('validating', 'in_progress', 'finalizing', 'cancelling') "
                    + "ORDER BY created_at, id LIMIT ?",
            "UPDATE batches SET callback_state = ?, callback_attempts = ?, callback_status_code = ?, callback_error = ?, "
                    + "callback_sent_at = ?, updated_at = ? WHERE id = ?",
            "DELETE FROM batches WHERE id = ? AND status IN ('completed', 'failed', 'cancelled', 'expired')",
            "DELETE FROM jobs WHERE batch_id = ?",
            // one probe of the (batch_id, status) index per status, however many items the batch has
            "SELECT 1 FROM jobs WHERE batch_id = ? AND status IN ('pending', 'assigned') LIMIT 1");

    static final BatchSql SQLITE = COMMON;
    static final BatchSql POSTGRESQL = COMMON;

    static BatchSql of(Dialect d) {
        return switch (d) {
            case SQLITE -> SQLITE;
            case POSTGRESQL -> POSTGRESQL;
        };
    }
}
