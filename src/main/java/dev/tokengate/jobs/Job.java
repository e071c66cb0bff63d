package dev.tokengate.jobs;

/**
 * A unit of queued work: one chat completion, stored before anyone is told it exists. Times are epoch milliseconds.
 *
 * @param kind          "message" (the job API) or "batch_item" (an item of a message batch)
 * @param request       the OpenAI chat completion body to run, with the public model name
 * @param outputSchema  a JSON Schema the answer must satisfy, or null
 * @param callback      {"url","headers","payload"} to POST when the job ends, or null
 * @param outcome       what the last attempt produced; null before the first attempt ends
 */
public record Job(String id, String userId, String kind, String batchId, String customId, JobStatus status, String model,
                  String request, String outputSchema, Integer cacheTtlSeconds, String idempotencyKey, String callback,
                  int attempts, String leaseOwner, Long leaseExpiresAt, long runAfter, Outcome outcome,
                  CallbackStatus callbackStatus, long createdAt, long updatedAt, Long completedAt) {

    /** The result of an attempt: the answer, or the error that ended it. */
    public record Outcome(String servedModel, String result, String response, String error, String errorCode,
                          Integer errorStatus, int promptTokens, int completionTokens, long costMicros, boolean cacheHit,
                          Long ttftNs, Long durationNs) {

        /**
         * NUL becomes U+FFFD here, as every store keeps it (PostgreSQL refuses NUL in text): the finished job a waiter
         * gets from memory must be the one the store holds.
         */
        public Outcome {
            result = withoutNul(result);
            response = withoutNul(response);
            error = withoutNul(error);
        }

        private static String withoutNul(String s) {
            return s != null && s.indexOf('\0') >= 0 ? s.replace('\0', '\uFFFD') : s;
        }

        public static Outcome failure(String error, String code, int status) {
            return new Outcome(null, null, null, error, code, status, 0, 0, 0, false, null, null);
        }
    }

    /** @param state null (no callback), "pending", "delivered" or "failed" */
    public record CallbackStatus(String state, int attempts, Integer statusCode, String error, Long sentAt) {
        public static final CallbackStatus NONE = new CallbackStatus(null, 0, null, null, null);
    }

    public static Job newJob(String id, String userId, String kind, String batchId, String customId, String model,
                             String request, String outputSchema, Integer cacheTtlSeconds, String idempotencyKey,
                             String callback, long now) {
        return new Job(id, userId, kind, batchId, customId, JobStatus.PENDING, model, request, outputSchema, cacheTtlSeconds,
                idempotencyKey, callback, 0, null, null, now, null, CallbackStatus.NONE, now, now, null);
    }

    /** The same job, already leased to {@code owner}: inserted this way it runs at once on the submitting instance. */
    public Job leasedTo(String owner, long leaseUntil) {
        return new Job(id, userId, kind, batchId, customId, JobStatus.ASSIGNED, model, request, outputSchema, cacheTtlSeconds,
                idempotencyKey, callback, attempts + 1, owner, leaseUntil, runAfter, outcome, callbackStatus, createdAt,
                updatedAt, completedAt);
    }

    /** The job as the store holds it once a finish by its lease holder applied ({@link JobStore#write}). */
    public Job after(JobStore.Finish f) {
        if (f.status() == JobStatus.PENDING) {
            return new Job(id, userId, kind, batchId, customId, JobStatus.PENDING, model, request, outputSchema, cacheTtlSeconds,
                    idempotencyKey, callback, f.putBack() ? attempts - 1 : attempts, null, null, f.runAfter(),
                    f.putBack() ? outcome : f.outcome(), callbackStatus, createdAt, f.now(), completedAt);
        }
        CallbackStatus cb = callback == null ? callbackStatus
                : new CallbackStatus("pending", callbackStatus.attempts(), callbackStatus.statusCode(), callbackStatus.error(),
                        callbackStatus.sentAt());
        return new Job(id, userId, kind, batchId, customId, f.status(), model, request, outputSchema, cacheTtlSeconds,
                idempotencyKey, callback, attempts, null, null, runAfter, f.outcome(), cb, createdAt, f.now(), f.now());
    }
}
