package dev.tokengate.batches;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.jobs.Job;
import dev.tokengate.jobs.JobStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Anthropic's batch shapes for the states the HTTP tests cannot reach quickly: expiry, and every failure status. */
class AnthropicBatchViewsTest {
    private static final long T0 = 1_763_000_000_000L;
    private static final String URL = "http://gw/v1/messages/batches/msgbatch_1/results";

    private static Batch batch(BatchStatus status, Long cancellingAt) {
        return new Batch("msgbatch_1", "user_1", AnthropicBatches.API, status, null, "/v1/messages", null, null, null, "24h", null,
                null, null, Job.CallbackStatus.NONE, 3, null, null, T0, T0 + 9, T0, null,
                status == BatchStatus.COMPLETED ? T0 + 9 : null, null, cancellingAt,
                status == BatchStatus.CANCELLED ? T0 + 9 : null, T0 + 86_400_000L, status == BatchStatus.EXPIRED ? T0 + 9 : null);
    }

    private static Job item(JobStatus status, Job.Outcome outcome) {
        return new Job("msgbatch_1:000000", "user_1", "batch_item", "msgbatch_1", "req-1", status, "claude-3.5-sonnet", "{}", null,
                null, null, null, 1, null, null, T0, outcome, Job.CallbackStatus.NONE, T0, T0 + 5, T0 + 5);
    }

    @Test
    void itemsThatNeverRanCountAsExpiredUnlessTheBatchWasCancelled() {
        BatchCounts counts = new BatchCounts(3, 0, 0, 1, 0, 2, 10, 5, null);
        ObjectNode expired = AnthropicBatchViews.messageBatch(batch(BatchStatus.EXPIRED, null), counts, URL);
        assertThat(expired.path("processing_status").asText()).isEqualTo("ended");
        assertThat(expired.path("request_counts").path("expired").asInt()).isEqualTo(2);
        assertThat(expired.path("request_counts").path("canceled").asInt()).isZero();
        assertThat(expired.path("ended_at").asText()).isEqualTo("2025-11-13T02:13:20.009Z");
        assertThat(expired.path("expires_at").asText()).isEqualTo("2025-11-14T02:13:20Z");
        assertThat(expired.path("results_url").asText()).isEqualTo(URL);

        ObjectNode cancelled = AnthropicBatchViews.messageBatch(batch(BatchStatus.CANCELLED, T0 + 1), counts, URL);
        assertThat(cancelled.path("request_counts").path("canceled").asInt()).isEqualTo(2);
        assertThat(cancelled.path("request_counts").path("expired").asInt()).isZero();

        Job neverRan = item(JobStatus.CANCELLED, Job.Outcome.failure("The batch expired before this request ran.", "batch_cancelled", 499));
        assertThat(AnthropicBatchViews.resultLine(batch(BatchStatus.EXPIRED, null), neverRan).toString())
                .isEqualTo("{\"custom_id\":\"req-1\",\"result\":{\"type\":\"expired\"}}");
        assertThat(AnthropicBatchViews.resultLine(batch(BatchStatus.CANCELLED, T0 + 1), neverRan).toString())
                .isEqualTo("{\"custom_id\":\"req-1\",\"result\":{\"type\":\"canceled\"}}");
    }

    @Test
    void aFinalizingBatchIsCancelingOnlyWhenACancelStartedIt() {
        BatchCounts none = new BatchCounts(3, 0, 0, 3, 0, 0, 0, 0, null);
        assertThat(AnthropicBatchViews.messageBatch(batch(BatchStatus.FINALIZING, null), none, URL).path("processing_status").asText())
                .isEqualTo("in_progress");
        ObjectNode canceling = AnthropicBatchViews.messageBatch(batch(BatchStatus.FINALIZING, T0 + 1), none, URL);
        assertThat(canceling.path("processing_status").asText()).isEqualTo("canceling");
        assertThat(canceling.get("results_url").isNull()).isTrue();
    }

    @Test
    void aFailedItemIsErroredWithTheAnthropicTypeOfItsStatus() {
        record Case(int status, String type) {}
        for (Case c : List.of(new Case(400, "invalid_request_error"), new Case(402, "billing_error"), new Case(403, "permission_error"),
                new Case(404, "not_found_error"), new Case(429, "rate_limit_error"), new Case(502, "api_error"),
                new Case(503, "overloaded_error"), new Case(504, "timeout_error"), new Case(418, "invalid_request_error"),
                new Case(599, "api_error"))) {
            ObjectNode line = AnthropicBatchViews.resultLine(batch(BatchStatus.COMPLETED, null),
                    item(JobStatus.FAILED, Job.Outcome.failure("it failed", "code", c.status())));
            ObjectNode result = (ObjectNode) line.path("result");
            assertThat(result.path("type").asText()).isEqualTo("errored");
            assertThat(result.path("error").path("type").asText()).isEqualTo("error");
            assertThat(result.path("error").path("error").path("type").asText()).as("status " + c.status()).isEqualTo(c.type());
            assertThat(result.path("error").path("error").path("message").asText()).isEqualTo("it failed");
            assertThat(result.path("error").path("request_id").asText()).startsWith("req_");
        }
        assertThat(AnthropicBatchViews.resultLine(batch(BatchStatus.IN_PROGRESS, null), item(JobStatus.PENDING, null))).isNull();
    }
}
