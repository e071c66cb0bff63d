package dev.tokengate.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.schema.JsonSchemas;
import dev.tokengate.support.Fixtures;
import dev.tokengate.support.SchemaAssert;
import dev.tokengate.support.TestGateway;
import dev.tokengate.wire.openai.PlainResponseRelay;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /openapi.json documents exactly the routes we mount, and real answers match the documented schemas. */
class OpenApiTest {
    private static final String ADMIN = TestGateway.ADMIN_KEY;
    private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

    private static TestGateway gw;
    private static OpenApiDocument doc;
    private static String key;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        TestGateway.Resp r = gw.get("/openapi.json", null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        doc = new OpenApiDocument(r.body());
        key = gw.createUserKey("oscar", "user_max");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void documentIsOpenApi31AndServedWithoutAKey() {
        assertThat(doc.root().path("openapi").asText()).startsWith("3.1.");
        assertThat(doc.root().path("info").path("title").asText()).isEqualTo("Tokengate");
        assertThat(doc.operation("GET", "/openapi.json").path("security").isEmpty()).isTrue();
    }

    @Test
    void everyMountedRouteIsDocumentedAndNothingElse() {
        assertThat(doc.operations()).containsExactlyInAnyOrderElementsOf(gw.gateway().endpoints());
    }

    @Test
    void everyOperationHasAnIdASummaryAndResponses() {
        for (String operation : doc.operations()) {
            String[] mp = operation.split(" ", 2);
            JsonNode op = doc.operation(mp[0], mp[1]);
            assertThat(op.path("operationId").asText()).as(operation).isNotBlank();
            assertThat(op.path("summary").asText()).as(operation).isNotBlank();
            assertThat(op.path("responses").size()).as(operation).isPositive();
        }
    }

    @Test
    void everyNamedSchemaIsAValidJsonSchema() {
        doc.root().path("components").path("schemas").fieldNames().forEachRemaining(name ->
                assertThat(JsonSchemas.problemsWithSchema(Json.parseOrNull(doc.namedSchema(name)))).as(name).isEmpty());
    }

    @Test
    void schemasRejectAnAnswerOfAnotherShape() {
        String model = gw.get("/v1/models/gpt-4o", key).body();

        assertThatThrownBy(() -> doc.assertAnswer("POST", "/admin/v1/users", 201, model)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> SchemaAssert.assertValid(doc.namedSchema("ChatCompletion"), "{\"id\":\"x\"}"))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void operationsAnswersMatch() {
        doc.assertAnswer("GET", "/health", 200, gw.get("/health", null).body());
        doc.assertAnswer("GET", "/ready", 200, gw.get("/ready", null).body());
        TestGateway.Resp page = gw.get("/docs", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("/openapi.json").doesNotContain("https://");
    }

    @Test
    void upstreamAnswersRelayedAsTheyCameMatch() {
        for (String fixture : List.of("openai/completion-text.json", "openai/completion-tool-call.json")) {
            byte[] upstream = Fixtures.text(fixture).getBytes(StandardCharsets.UTF_8);
            byte[] relayed = PlainResponseRelay.relay(upstream, "gpt-4o").body();

            SchemaAssert.assertValid(doc.namedSchema("ChatCompletion"), new String(relayed, StandardCharsets.UTF_8));
        }
    }

    @Test
    void openAiAnswersMatch() {
        doc.assertAnswer("GET", "/v1/models", 200, gw.get("/v1/models", key).body());
        doc.assertAnswer("GET", "/v1/models/{model}", 200, gw.get("/v1/models/gpt-4o", key).body());
        doc.assertAnswer("GET", "/v1/models/{model}", 404, gw.get("/v1/models/nope", key).body());
        doc.assertAnswer("POST", "/v1/chat/completions", 200, gw.post("/v1/chat/completions", key, CHAT).body());
        doc.assertAnswer("POST", "/v1/chat/completions", 400, gw.post("/v1/chat/completions", key, "{\"model\":\"gpt-4o\"}").body());
        doc.assertAnswer("POST", "/v1/chat/completions", 401, gw.post("/v1/chat/completions", "tg-wrong", CHAT).body());
        doc.assertAnswer("POST", "/v1/embeddings", 200,
                gw.post("/v1/embeddings", key, "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"]}").body());
        doc.assertAnswer("POST", "/v1/images/generations", 200,
                gw.post("/v1/images/generations", key, "{\"prompt\":\"a lighthouse\",\"size\":\"256x256\"}").body());
    }

    @Test
    void anthropicAnswersMatch() {
        String message = "{\"model\":\"claude-3.5-sonnet\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";

        doc.assertAnswer("POST", "/v1/messages", 200, gw.post("/v1/messages", key, message).body());
        doc.assertAnswer("POST", "/v1/messages", 400, gw.post("/v1/messages", key, "{\"model\":\"claude-3.5-sonnet\"}").body());
        doc.assertAnswer("POST", "/v1/messages", 401, gw.post("/v1/messages", "tg-wrong", message).body());
    }

    @Test
    void streamedChunksMatchTheChunkSchema() {
        String body = gw.post("/v1/chat/completions", key, CHAT.replace("}]}", "}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}")).body();
        String chunkSchema = doc.responseSchema("POST", "/v1/chat/completions", 200, "text/event-stream");
        List<String> frames = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) frames.add(line.substring(6));
        }

        assertThat(frames).hasSizeGreaterThan(1);
        frames.forEach(f -> SchemaAssert.assertValid(chunkSchema, f));
    }

    @Test
    void adminAnswersMatch() {
        TestGateway.Resp user = gw.post("/admin/v1/users", ADMIN, "{\"name\":\"olga\",\"tier\":\"user_pro\"}");
        doc.assertAnswer("POST", "/admin/v1/users", 201, user.body());
        String userId = user.json().path("id").asText();
        doc.assertAnswer("POST", "/admin/v1/users", 400, gw.post("/admin/v1/users", ADMIN, "{}").body());
        doc.assertAnswer("GET", "/admin/v1/users", 200, gw.get("/admin/v1/users", ADMIN).body());
        doc.assertAnswer("GET", "/admin/v1/users/{id}", 200, gw.get("/admin/v1/users/" + userId, ADMIN).body());
        doc.assertAnswer("GET", "/admin/v1/users/{id}", 403, gw.get("/admin/v1/users/" + userId, key).body());
        TestGateway.Resp created = gw.post("/admin/v1/users/" + userId + "/keys", ADMIN, "{\"name\":\"ci\"}");
        doc.assertAnswer("POST", "/admin/v1/users/{id}/keys", 201, created.body());
        doc.assertAnswer("GET", "/admin/v1/users/{id}/keys", 200, gw.get("/admin/v1/users/" + userId + "/keys", ADMIN).body());
        doc.assertAnswer("DELETE", "/admin/v1/users/{id}/keys/{keyId}", 200,
                gw.send("DELETE", "/admin/v1/users/" + userId + "/keys/" + created.json().path("id").asText(), ADMIN, null).body());
    }

    @Test
    void jobApiAnswersMatch() {
        String job = "{\"model\":\"gpt-4o\",\"timeout\":30,\"response_format\":{\"format\":\"text\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"How many planets?\"}]}";
        TestGateway.Resp done = gw.post("/api/v1/jobs/messages", key, job);
        doc.assertAnswer("POST", "/api/v1/jobs/messages", 200, done.body());
        doc.assertAnswer("POST", "/api/v1/jobs/messages", 400, gw.post("/api/v1/jobs/messages", key, "{\"model\":\"gpt-4o\"}").body());
        String jobId = done.json().path("data").path("job_id").asText();
        doc.assertAnswer("GET", "/api/v1/jobs/{jobId}", 200, gw.get("/api/v1/jobs/" + jobId, key).body());
        doc.assertAnswer("GET", "/api/v1/jobs/{jobId}", 404, gw.get("/api/v1/jobs/job_nope", key).body());
        doc.assertAnswer("POST", "/api/v1/jobs/messages/batches", 200, gw.post("/api/v1/jobs/messages/batches", key, "[" + job + "," + job + "]").body());
        doc.assertAnswer("GET", "/api/v1/callback-secret", 200, gw.get("/api/v1/callback-secret", key).body());
    }

    @Test
    void messageBatchAnswersMatch() {
        TestGateway.Resp created = gw.post("/v1/messages/batches", key,
                "{\"requests\":[{\"agent_id\":\"a-1\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]},{\"input\":\"Hello\"}]}");
        doc.assertAnswer("POST", "/v1/messages/batches", 200, created.body());
        String id = created.json().path("id").asText();
        doc.assertAnswer("POST", "/v1/messages/batches", 400, gw.post("/v1/messages/batches", key, "{\"requests\":[]}").body());
        doc.assertAnswer("GET", "/v1/messages/batches", 200, gw.get("/v1/messages/batches", key).body());
        doc.assertAnswer("GET", "/v1/messages/batches/{id}", 200, gw.get("/v1/messages/batches/" + id, key).body());
        doc.assertAnswer("GET", "/v1/messages/batches/{id}/messages", 200, gw.get("/v1/messages/batches/" + id + "/messages", key).body());
        doc.assertAnswer("PATCH", "/v1/messages/batches/{id}/cancel", 200, gw.send("PATCH", "/v1/messages/batches/" + id + "/cancel", key, null).body());
        doc.assertAnswer("GET", "/v1/messages/batches/{id}", 404, gw.get("/v1/messages/batches/batch_nope", key).body());
    }

    @Test
    void anthropicMessageBatchAnswersMatch() throws InterruptedException {
        String item = "{\"custom_id\":\"c-1\",\"params\":{\"model\":\"claude-3.5-sonnet\",\"max_tokens\":20,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}";
        TestGateway.Resp created = anthropic("POST", "/v1/messages/batches", "{\"requests\":[" + item + "]}");
        doc.assertAnswer("POST", "/v1/messages/batches", 200, created.body());
        String id = created.json().path("id").asText();
        doc.assertAnswer("POST", "/v1/messages/batches", 400, anthropic("POST", "/v1/messages/batches", "{\"requests\":[]}").body());
        doc.assertAnswer("GET", "/v1/messages/batches", 200, anthropic("GET", "/v1/messages/batches", null).body());
        doc.assertAnswer("GET", "/v1/messages/batches/{id}", 404, anthropic("GET", "/v1/messages/batches/msgbatch_nope", null).body());
        doc.assertAnswer("POST", "/v1/messages/batches/{id}/cancel", 200, anthropic("POST", "/v1/messages/batches/" + id + "/cancel", null).body());
        TestGateway.Resp ended = anthropic("GET", "/v1/messages/batches/" + id, null);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!ended.json().path("processing_status").asText().equals("ended") && System.nanoTime() < deadline) {
            Thread.sleep(20);
            ended = anthropic("GET", "/v1/messages/batches/" + id, null);
        }
        doc.assertAnswer("GET", "/v1/messages/batches/{id}", 200, ended.body());
        doc.assertAnswer("DELETE", "/v1/messages/batches/{id}", 200, anthropic("DELETE", "/v1/messages/batches/" + id, null).body());
        doc.assertAnswer("GET", "/v1/messages/batches/{id}/results", 404, anthropic("GET", "/v1/messages/batches/" + id + "/results", null).body());
    }

    private static TestGateway.Resp anthropic(String method, String path, String body) {
        return gw.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + path)).header("anthropic-version", "2023-06-01")
                .header("Content-Type", "application/json")
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody() : java.net.http.HttpRequest.BodyPublishers.ofString(body)), key);
    }
}
