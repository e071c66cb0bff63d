package dev.tokengate.store.jdbc;

/** Named statements of the job queue, one instance per dialect. Times are epoch milliseconds. */
record JobSql(String insert, String find, String findByIdempotencyKey, String claim, String renewLeases, String release,
              String releaseAll, String complete, String fail, String retryLater, String pendingCallbacks,
              String recordCallback, String claimModel, String putBack) {

    static final String COLUMNS = "id, user_id, kind, batch_id, custom_id, status, model, request, output_schema, "
            + "cache_ttl_seconds, idempotency_key, callback, attempts, lease_owner, lease_expires_at, run_after, served_model, "
            + "result, response, error, error_code, error_status, prompt_tokens, completion_tokens, cost_micros, cache_hit, "
            + "ttft_ns, duration_ns, callback_state, callback_attempts, callback_status_code, callback_error, callback_sent_at, "
            + "created_at, updated_at, completed_at";

    /**
     * The oldest claimable jobs, {@code LIMIT ?} of them: due pending jobs and jobs whose lease expired (their worker
     * died), each read in claim order from its own index and stopping at the limit, then merged. (One {@code OR} over
     * both made the database read and sort every due row for every claim.) Parameters: [model,] now, limit, [model,]
     * now, limit, limit. Each part is locked by {@code lock} (PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent
     * claimers skip each other's rows).
     */
    private static String claimable(String modelFilter, String lock) {
        String order = " ORDER BY run_after, created_at, id";
        return "SELECT id FROM (SELECT id, run_after, created_at FROM (SELECT id, run_after, created_at FROM jobs WHERE "
                + modelFilter + "status = 'pending' AND run_after <= ?" + order + " LIMIT ?" + lock + ") due "
                + "UNION ALL SELECT id, run_after, created_at FROM (SELECT id, run_after, created_at FROM jobs WHERE "
                + modelFilter + "status = 'assigned' AND lease_expires_at < ?" + order + " LIMIT ?" + lock + ") expired"
                + order + " LIMIT ?) claimable";
    }

    /** Claims the rows {@code claimable} names: PostgreSQL is given them as an array, so it finds each by its key. */
    private static String claim(String claimable, boolean pg) {
        return "UPDATE jobs SET status = 'assigned', lease_owner = ?, lease_expires_at = ?, attempts = attempts + 1, "
                + "updated_at = ? WHERE id " + (pg ? "= ANY(ARRAY(" + claimable + "))" : "IN (" + claimable + ")")
                + " RETURNING " + COLUMNS;
    }

    private static final String FINISH = " served_model = ?, result = ?, response = ?, error = ?, error_code = ?, "
            + "error_status = ?, prompt_tokens = ?, completion_tokens = ?, cost_micros = ?, cache_hit = ?, ttft_ns = ?, "
            + "duration_ns = ?, callback_state = CASE WHEN callback IS NULL THEN NULL ELSE 'pending' END, "
            + "lease_owner = NULL, lease_expires_at = NULL, completed_at = ?, updated_at = ? "
            + "WHERE id = ? AND status = 'assigned' AND lease_owner = ?";

    private static JobSql build(boolean pg) {
        String lock = pg ? " FOR UPDATE SKIP LOCKED" : "";
        return new JobSql(
                "INSERT INTO jobs (" + COLUMNS + ") VALUES (" + "?, ".repeat(35) + "?)",
                "SELECT " + COLUMNS + " FROM jobs WHERE id = ?",
                "SELECT " + COLUMNS + " FROM jobs WHERE user_id = ? AND idempotency_key = ?",
                claim(claimable("", lock), pg),
                "UPDATE jobs SET lease_expires_at = ? WHERE lease_owner = ? AND status = 'assigned'",
                "UPDATE jobs SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, run_after = ?, updated_at = ? "
                        + "WHERE lease_owner = ? AND status = 'assigned'",
                "UPDATE jobs SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL, run_after = ?, updated_at = ? "
                        + "WHERE status = 'assigned'",
                "UPDATE jobs SET status = 'completed'," + FINISH,
                "UPDATE jobs SET status = 'failed'," + FINISH,
                "UPDATE jobs SET status = 'pending', run_after = ?, error = ?, error_code = ?, error_status = ?, "
                        + "lease_owner = NULL, lease_expires_at = NULL, updated_at = ? "
                        + "WHERE id = ? AND status = 'assigned' AND lease_owner = ?",
                "SELECT " + COLUMNS + " FROM jobs WHERE callback_state = 'pending' ORDER BY completed_at, id LIMIT ?",
                "UPDATE jobs SET callback_state = ?, callback_attempts = ?, callback_status_code = ?, callback_error = ?, "
                        + "callback_sent_at = ?, updated_at = ? WHERE id = ?",
                claim(claimable("model = ? AND ", lock), pg),
                "UPDATE jobs SET status = 'pending', attempts = attempts - 1, run_after = ?, lease_owner = NULL, "
                        + "lease_expires_at = NULL, updated_at = ? WHERE id = ? AND status = 'assigned' AND lease_owner = ?");
    }

    /** SQLite has one writer at a time, so the claim needs no row locks. */
    static final JobSql SQLITE = build(false);

    /** Concurrent claimers on PostgreSQL skip each other's locked rows instead of waiting. */
    static final JobSql POSTGRESQL = build(true);

    static JobSql of(Dialect d) {
        return switch (d) {
            case SQLITE -> SQLITE;
            case POSTGRESQL -> POSTGRESQL;
        };
    }
}
