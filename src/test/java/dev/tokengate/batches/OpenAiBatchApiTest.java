package dev.tokengate.batches;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenAI's Batch API over raw HTTP: the Batch object's keys, input validation with line numbers, paging, isolation. */
class OpenAiBatchApiTest {
    private static final List<String> BATCH_KEYS = List.of("id", "object", "endpoint", "model", "input_file_id",
            "completion_window", "status", "output_file_id", "error_file_id", "created_at", "in_progress_at", "expires_at",
            "finalizing_at", "completed_at", "failed_at", "expired_at", "cancelling_at", "cancelled_at", "request_counts",
            "errors", "usage", "metadata");
    private static TestGateway gw;
    private static String key;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        key = gw.createUserKey("batch-api", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void aBatchCarriesEveryKeyOfTheBatchObjectWithNullWhereUnset() {
        String fileId = BatchTesting.uploadBatchInput(gw, key, BatchTesting.jsonl("gpt-4o", BatchTesting.ids("k", 2)));
        JsonNode created = gw.post("/v1/batches", key, "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"/v1/chat/completions\","
                + "\"completion_window\":\"24h\",\"metadata\":{\"project\":\"alpha\"}}").json();
        assertThat(created.properties().stream().map(java.util.Map.Entry::getKey).toList()).containsExactlyInAnyOrderElementsOf(BATCH_KEYS);
        assertThat(created.path("object").asText()).isEqualTo("batch");
        assertThat(created.path("status").asText()).isEqualTo("in_progress");
        assertThat(created.path("completion_window").asText()).isEqualTo("24h");
        assertThat(created.path("model").asText()).isEqualTo("gpt-4o");
        assertThat(created.path("expires_at").asLong()).isEqualTo(created.path("created_at").asLong() + 24 * 3600);
        assertThat(created.path("metadata").path("project").asText()).isEqualTo("alpha");
        assertThat(created.path("request_counts").path("total").asInt()).isEqualTo(2);
        assertThat(created.get("errors").isNull()).isTrue();
        assertThat(created.get("cancelled_at").isNull()).isTrue();

        JsonNode done = BatchTesting.awaitStatus(gw, key, "/v1/batches/" + created.path("id").asText(), "completed");
        assertThat(done.properties().stream().map(java.util.Map.Entry::getKey).toList()).containsExactlyInAnyOrderElementsOf(BATCH_KEYS);
        assertThat(done.path("request_counts").path("completed").asInt()).isEqualTo(2);
        assertThat(done.path("model").asText()).isEqualTo("gpt-4o");
        for (String k : List.of("in_progress_at", "finalizing_at", "completed_at", "output_file_id")) {
            assertThat(done.get(k).isNull()).as(k).isFalse();
        }
        JsonNode usage = done.path("usage");
        assertThat(usage.path("total_tokens").asLong()).isEqualTo(usage.path("input_tokens").asLong() + usage.path("output_tokens").asLong());
        assertThat(usage.path("input_tokens_details").has("cached_tokens")).isTrue();
        assertThat(usage.path("output_tokens_details").has("reasoning_tokens")).isTrue();
    }

    @Test
    void aBatchWhoseRequestsNameDifferentModelsHasNoModel() {
        String jsonl = BatchTesting.jsonl("gpt-4o", List.of("a")) + BatchTesting.jsonl("gpt-5-mini", List.of("b"));
        JsonNode created = BatchTesting.createBatch(gw, key, BatchTesting.uploadBatchInput(gw, key, jsonl));

        assertThat(created.has("model")).isTrue();
        assertThat(created.get("model").isNull()).isTrue();
    }

    @Test
    void invalidInputLinesFailTheBatchWithEachErrorAndItsLineNumber() {
        String valid = "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";
        String input = String.join("\n",
                valid,
                "this is not json",
                valid,
                valid.replace("\"a\"", "\"b\"").replace("POST", "GET"),
                valid.replace("\"a\"", "\"c\"").replace("\"url\":\"/v1/chat/completions\"", "\"url\":\"/v1/embeddings\""),
                "{\"custom_id\":\"d\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o\"}}",
                "",
                valid.replace("\"a\"", "\"e\"").replace("gpt-4o", "no-such-model"),
                "{\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}}",
                valid.replace("\"a\"", "\"f\"").replace("\"messages\"", "\"stream\":true,\"messages\"")) + "\n";
        String fileId = BatchTesting.uploadBatchInput(gw, key, input);
        JsonNode batch = BatchTesting.createBatch(gw, key, fileId);

        assertThat(batch.path("status").asText()).isEqualTo("failed");
        assertThat(batch.get("failed_at").isNull()).isFalse();
        assertThat(batch.get("in_progress_at").isNull()).isTrue();
        assertThat(batch.path("request_counts").path("total").asInt()).isZero();
        assertThat(batch.path("errors").path("object").asText()).isEqualTo("list");
        List<String> found = new ArrayList<>();
        for (JsonNode e : batch.path("errors").path("data")) {
            assertThat(e.has("param")).isTrue();
            assertThat(e.path("message").asText()).startsWith("Line " + e.path("line").asInt());
            found.add(e.path("line").asInt() + ":" + e.path("code").asText() + ":" + e.path("param").asText(null));
        }
        assertThat(found).containsExactly(
                "2:invalid_json_line:null",
                "3:duplicate_custom_id:custom_id",
                "4:invalid_method:method",
                "5:mismatched_url:url",
                "6:missing_required_parameter:body.messages",
                "8:model_not_found:body.model",
                "9:missing_required_parameter:custom_id",
                "10:invalid_value:body.stream");
        assertThat(gw.get("/v1/batches/" + batch.path("id").asText(), key).json().path("status").asText()).isEqualTo("failed");
    }

    @Test
    void anEmptyInputFileFailsTheBatchWithAnErrorWithoutLine() {
        String fileId = BatchTesting.uploadBatchInput(gw, key, "\n\n");
        JsonNode batch = BatchTesting.createBatch(gw, key, fileId);
        assertThat(batch.path("status").asText()).isEqualTo("failed");
        JsonNode error = batch.path("errors").path("data").get(0);
        assertThat(error.path("code").asText()).isEqualTo("empty_file");
        assertThat(error.get("line").isNull()).isTrue();
    }

    @Test
    void endpointsOtherThanChatCompletionsAreRefusedFor400() {
        String fileId = BatchTesting.uploadBatchInput(gw, key, BatchTesting.jsonl("gpt-4o", List.of("x")));
        for (String endpoint : List.of("/v1/embeddings", "/v1/responses", "/v1/nonsense")) {
            TestGateway.Resp r = gw.post("/v1/batches", key, "{\"input_file_id\":\"" + fileId + "\",\"endpoint\":\"" + endpoint
                    + "\",\"completion_window\":\"24h\"}");
            assertThat(r.status()).as(endpoint).isEqualTo(400);
            assertThat(r.json().path("error").path("param").asText()).isEqualTo("endpoint");
        }
    }

    @Test
    void createRequestsAreCheckedBeforeAnythingIsStored() {
        String batchFile = BatchTesting.uploadBatchInput(gw, key, BatchTesting.jsonl("gpt-4o", List.of("x")));
        String wrongWindow = "{\"input_file_id\":\"" + batchFile + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"48h\"}";
        assertThat(gw.post("/v1/batches", key, wrongWindow).json().path("error").path("param").asText()).isEqualTo("completion_window");
        String noFile = "{\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}";
        assertThat(gw.post("/v1/batches", key, noFile).status()).isEqualTo(400);
        String missing = "{\"input_file_id\":\"file-nope\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}";
        assertThat(gw.post("/v1/batches", key, missing).status()).isEqualTo(404);
        String userData = BatchTesting.upload(gw, key, "u.jsonl", "user_data", BatchTesting.jsonl("gpt-4o", List.of("x"))
                .getBytes(StandardCharsets.UTF_8)).json().path("id").asText();
        TestGateway.Resp wrongPurpose = gw.post("/v1/batches", key, "{\"input_file_id\":\"" + userData
                + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        assertThat(wrongPurpose.status()).isEqualTo(400);
        assertThat(wrongPurpose.json().path("error").path("param").asText()).isEqualTo("input_file_id");
        String badMetadata = "{\"input_file_id\":\"" + batchFile + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\","
                + "\"metadata\":{\"n\":1}}";
        assertThat(gw.post("/v1/batches", key, badMetadata).status()).isEqualTo(400);
    }

    @Test
    void listPagesNewestFirstWithAnAccurateHasMore() {
        String lister = gw.createUserKey("batch-lister", "user_pro");
        String fileId = BatchTesting.uploadBatchInput(gw, lister, BatchTesting.jsonl("gpt-4o", List.of("x")));
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) created.add(BatchTesting.createBatch(gw, lister, fileId).path("id").asText());

        List<String> paged = new ArrayList<>();
        String after = null;
        List<Boolean> hasMore = new ArrayList<>();
        do {
            JsonNode page = gw.get("/v1/batches?limit=2" + (after == null ? "" : "&after=" + after), lister).json();
            assertThat(page.path("object").asText()).isEqualTo("list");
            page.path("data").forEach(b -> paged.add(b.path("id").asText()));
            hasMore.add(page.path("has_more").asBoolean());
            after = page.path("last_id").asText(null);
        } while (hasMore.getLast());
        assertThat(hasMore).containsExactly(true, true, false);
        assertThat(paged).containsExactlyInAnyOrderElementsOf(created);

        JsonNode exact = gw.get("/v1/batches?limit=5", lister).json();
        assertThat(exact.path("data")).hasSize(5);
        assertThat(exact.path("has_more").asBoolean()).isFalse();
        List<Long> createdAt = new ArrayList<>();
        exact.path("data").forEach(b -> createdAt.add(b.path("created_at").asLong()));
        assertThat(createdAt).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        JsonNode defaults = gw.get("/v1/batches", lister).json();
        assertThat(defaults.path("data")).hasSize(5);
        assertThat(gw.get("/v1/batches?limit=0", lister).status()).isEqualTo(400);
        assertThat(gw.get("/v1/batches?limit=101", lister).status()).isEqualTo(400);
    }

    @Test
    void anotherUsersBatchesAndFilesAreNotFound() {
        String owner = gw.createUserKey("batch-owner", "user_pro");
        String intruder = gw.createUserKey("batch-intruder", "user_pro");
        String fileId = BatchTesting.uploadBatchInput(gw, owner, BatchTesting.jsonl("gpt-4o", List.of("x")));
        String batchId = BatchTesting.createBatch(gw, owner, fileId).path("id").asText();

        assertThat(gw.get("/v1/batches/" + batchId, intruder).status()).isEqualTo(404);
        assertThat(gw.post("/v1/batches/" + batchId + "/cancel", intruder, "").status()).isEqualTo(404);
        assertThat(gw.get("/v1/batches", intruder).json().path("data")).isEmpty();
        assertThat(gw.get("/v1/batches?after=" + batchId, intruder).json().path("data")).isEmpty();
        TestGateway.Resp stolenInput = gw.post("/v1/batches", intruder, "{\"input_file_id\":\"" + fileId
                + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        assertThat(stolenInput.status()).isEqualTo(404);

        JsonNode done = BatchTesting.awaitStatus(gw, owner, "/v1/batches/" + batchId, "completed");
        String output = done.path("output_file_id").asText();
        assertThat(gw.get("/v1/files/" + output, intruder).status()).isEqualTo(404);
        assertThat(gw.get("/v1/files/" + output + "/content", intruder).status()).isEqualTo(404);
        assertThat(gw.get("/v1/files/" + output + "/content", owner).status()).isEqualTo(200);
    }

    @Test
    void lettaAndOpenAiBatchesDoNotShowThroughEachOthersRoutes() {
        String fileId = BatchTesting.uploadBatchInput(gw, key, BatchTesting.jsonl("gpt-4o", List.of("x")));
        String openAiId = BatchTesting.createBatch(gw, key, fileId).path("id").asText();
        String lettaId = gw.post("/v1/messages/batches", key, "{\"requests\":[{\"input\":\"hi\"}]}").json().path("id").asText();
        assertThat(gw.get("/v1/messages/batches/" + openAiId, key).status()).isEqualTo(404);
        assertThat(gw.get("/v1/batches/" + lettaId, key).status()).isEqualTo(404);
    }
}
