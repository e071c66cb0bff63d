package dev.tokengate.batches;

import dev.tokengate.jobs.Job;

/**
 * A batch of requests; its items are jobs carrying its id. Times are epoch milliseconds.
 *
 * @param api      "letta" (seed 003), "openai" (Files and Batch API) or "anthropic"
 * @param metadata JSON object text, or null
 * @param errors   JSON array of input validation errors (OpenAI batches), or null
 */
public record Batch(String id, String userId, String api, BatchStatus status, String agentId, String endpoint,
                    String inputFileId, String outputFileId, String errorFileId, String completionWindow, String metadata,
                    String errors, String callbackUrl, Job.CallbackStatus callbackStatus, int total, Long ttftNs,
                    Long totalDurationNs, long createdAt, long updatedAt, Long inProgressAt, Long finalizingAt,
                    Long completedAt, Long failedAt, Long cancellingAt, Long cancelledAt, long expiresAt, Long expiredAt) {

    public Batch withStatus(BatchStatus s, long now) {
        return new Batch(id, userId, api, s, agentId, endpoint, inputFileId, outputFileId, errorFileId, completionWindow,
                metadata, errors, callbackUrl, callbackStatus, total, ttftNs, totalDurationNs, createdAt, now, inProgressAt,
                finalizingAt, completedAt, failedAt, cancellingAt, cancelledAt, expiresAt, expiredAt);
    }

    /** The moment the batch reached its final status, if it has. */
    public Long endedAt() {
        return switch (status) {
            case COMPLETED -> completedAt;
            case FAILED -> failedAt;
            case CANCELLED -> cancelledAt;
            case EXPIRED -> expiredAt;
            default -> null;
        };
    }
}
