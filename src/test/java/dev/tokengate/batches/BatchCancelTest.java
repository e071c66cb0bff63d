package dev.tokengate.batches;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cancelling batches of both APIs in the middle of a run, on a slow model with two workers. */
class BatchCancelTest {
    private static TestGateway gw;
    private static String key;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(Map.of("simulated.ttft_ms", "300", "simulated.tokens_per_second", "0", "jobs.workers", "2"));
        key = gw.createUserKey("batch-cancel", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void cancelInTheMiddleStopsPendingItemsAndRunningOnesStillLandInTheOutputFile() {
        List<String> ids = BatchTesting.ids("req-", 10);
        String fileId = BatchTesting.uploadBatchInput(gw, key, BatchTesting.jsonl("gpt-4o", ids));
        String batchId = BatchTesting.createBatch(gw, key, fileId).path("id").asText();
        String path = "/v1/batches/" + batchId;
        BatchTesting.await(() -> gw.get(path, key).json(), b -> b.path("request_counts").path("completed").asInt() >= 1);

        JsonNode cancelling = gw.post(path + "/cancel", key, "").json();
        assertThat(cancelling.path("status").asText()).isEqualTo("cancelling");
        assertThat(cancelling.get("cancelling_at").isNull()).isFalse();

        JsonNode cancelled = BatchTesting.awaitStatus(gw, key, path, "cancelled");
        assertThat(cancelled.get("cancelled_at").isNull()).isFalse();
        int completed = cancelled.path("request_counts").path("completed").asInt();
        assertThat(completed).isBetween(1, 9);
        assertThat(cancelled.path("request_counts").path("failed").asInt()).isZero();

        List<JsonNode> output = lines(cancelled.path("output_file_id").asText());
        List<JsonNode> errors = lines(cancelled.path("error_file_id").asText());
        assertThat(output).hasSize(completed);
        assertThat(errors).hasSize(10 - completed);
        output.forEach(l -> assertThat(l.path("response").path("status_code").asInt()).isEqualTo(200));
        for (JsonNode l : errors) {
            assertThat(l.get("response").isNull()).isTrue();
            assertThat(l.path("error").path("code").asText()).isEqualTo("batch_cancelled");
        }
        Set<String> customIds = new HashSet<>();
        output.forEach(l -> customIds.add(l.path("custom_id").asText()));
        errors.forEach(l -> customIds.add(l.path("custom_id").asText()));
        assertThat(customIds).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void cancellingAFinishedBatchLeavesItAsItWas() {
        String fileId = BatchTesting.uploadBatchInput(gw, key, BatchTesting.jsonl("gpt-4o", List.of("only")));
        String path = "/v1/batches/" + BatchTesting.createBatch(gw, key, fileId).path("id").asText();
        JsonNode done = BatchTesting.awaitStatus(gw, key, path, "completed");
        TestGateway.Resp again = gw.post(path + "/cancel", key, "");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("status").asText()).isEqualTo("completed");
        assertThat(again.json().path("output_file_id")).isEqualTo(done.path("output_file_id"));
        assertThat(again.json().get("cancelling_at").isNull()).isTrue();
    }

    @Test
    void lettaCancelEndsTheBatchCancelledWithItsPendingItemsNeverRun() {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 10; i++) requests.append(i == 0 ? "" : ",").append("{\"input\":\"item ").append(i).append("\"}");
        String id = gw.post("/v1/messages/batches", key, "{\"requests\":[" + requests + "]}").json().path("id").asText();
        String path = "/v1/messages/batches/" + id;
        BatchTesting.await(() -> gw.get(path, key).json(), b -> b.path("metadata").path("request_counts").path("completed").asInt() >= 1);

        TestGateway.Resp cancel = gw.send("PATCH", path + "/cancel", key, null);
        assertThat(cancel.status()).isEqualTo(200);
        assertThat(cancel.json().path("status").asText()).isEqualTo("cancelled");
        assertThat(cancel.json().path("stop_reason").asText()).isEqualTo("cancelled");

        JsonNode ended = BatchTesting.await(() -> gw.get(path, key).json(), b -> !b.get("completed_at").isNull());
        assertThat(ended.path("status").asText()).isEqualTo("cancelled");
        JsonNode counts = ended.path("metadata").path("request_counts");
        assertThat(counts.path("pending").asInt() + counts.path("running").asInt()).isZero();
        assertThat(counts.path("cancelled").asInt()).isPositive();
        assertThat(counts.path("completed").asInt() + counts.path("cancelled").asInt()).isEqualTo(10);
        JsonNode messages = gw.get(path + "/messages?order=asc", key).json().path("messages");
        long errors = 0;
        for (JsonNode m : messages) if (m.path("is_err").asBoolean()) errors++;
        assertThat(errors).isEqualTo(counts.path("cancelled").asInt());
    }

    private static List<JsonNode> lines(String fileId) {
        TestGateway.Resp r = gw.get("/v1/files/" + fileId + "/content", key);
        assertThat(r.status()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.body().lines().forEach(l -> out.add(Json.parseOrNull(l)));
        return out;
    }
}
