package dev.tokengate.batches;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's Message Batches over plain HTTP: validation errors in Anthropic's format naming the field, the
 * {@code anthropic-version} header that tells these requests from Letta's at the same paths, and isolation between
 * users and between the two APIs.
 */
class AnthropicBatchApiTest {
    private static final String MODEL = "claude-3.5-sonnet";
    private static TestGateway gw;
    private static String key;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(Map.of("batches.max_requests", "3"));
        key = gw.createUserKey("anthropic-batches-http", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    /** A request as Anthropic's SDKs send it: x-api-key and anthropic-version. */
    private static TestGateway.Resp anthropic(String method, String path, String apiKey, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).header("x-api-key", apiKey)
                .header("anthropic-version", "2023-06-01").header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return gw.send(b, null);
    }

    private static String item(String customId, String params) {
        return "{\"custom_id\":\"" + customId + "\",\"params\":" + params + "}";
    }

    private static String params(String text) {
        return "{\"model\":\"" + MODEL + "\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    private static String batch(String... items) {
        return "{\"requests\":[" + String.join(",", items) + "]}";
    }

    private static JsonNode created(String apiKey, String body) {
        TestGateway.Resp r = anthropic("POST", "/v1/messages/batches", apiKey, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode awaitEnded(String apiKey, String id) {
        return BatchTesting.await(() -> anthropic("GET", "/v1/messages/batches/" + id, apiKey, null).json(),
                b -> b.path("processing_status").asText().equals("ended"));
    }

    /** Asserts Anthropic's error body and returns its message. */
    private static String anthropicError(TestGateway.Resp r, int status, String type) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode body = r.json();
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo(type);
        assertThat(r.header("request-id")).isNotBlank();
        return body.path("error").path("message").asText();
    }

    private static String invalid(String body) {
        return anthropicError(anthropic("POST", "/v1/messages/batches", key, body), 400, "invalid_request_error");
    }

    @Test
    void everyInvalidRequestIsA400InAnthropicsFormatNamingTheField() {
        assertThat(invalid(batch(item("ok", params("hi")), item("bad", "{\"model\":\"" + MODEL + "\",\"max_tokens\":5}"))))
                .isEqualTo("requests.1.params.messages: Field required");
        assertThat(invalid(batch(item("ok", "{\"model\":\"" + MODEL + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}"))))
                .startsWith("requests.0.params.messages.0.role: ");
        assertThat(invalid(batch(item("ok", "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))))
                .startsWith("requests.0.params.max_tokens: ");
        assertThat(invalid(batch(item("same", params("a")), item("same", params("b")))))
                .startsWith("requests.1.custom_id: ").contains("same");
        assertThat(invalid(batch(item("has space", params("a"))))).startsWith("requests.0.custom_id: ").contains("pattern");
        assertThat(invalid(batch(item("x".repeat(65), params("a"))))).startsWith("requests.0.custom_id: ");
        assertThat(invalid(batch("{\"params\":" + params("a") + "}"))).isEqualTo("requests.0.custom_id: Field required");
        assertThat(invalid(batch("{\"custom_id\":\"no-params\"}"))).isEqualTo("requests.0.params: Field required");
        assertThat(invalid(batch(item("s", params("a").replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"")))))
                .startsWith("requests.0.params.stream: ");
        assertThat(invalid("{\"requests\":[]}")).startsWith("requests: ");
        assertThat(invalid("{}")).isEqualTo("requests: Field required");
        assertThat(invalid(batch(item("a", params("1")), item("b", params("2")), item("c", params("3")), item("d", params("4")))))
                .startsWith("requests: ").contains("at most 3");
        assertThat(anthropicError(anthropic("POST", "/v1/messages/batches", key, batch(item("m",
                params("a").replace(MODEL, "no-such-model")))), 404, "not_found_error")).startsWith("requests.0.params.model: ");
        assertThat(anthropic("GET", "/v1/messages/batches", key, null).json().path("data")).isEmpty();
    }

    @Test
    void theAnthropicVersionHeaderDecidesWhichApiAnswers() {
        String lettaBody = "{\"requests\":[{\"input\":\"hello\"}]}";
        TestGateway.Resp letta = gw.post("/v1/messages/batches", key, lettaBody);
        assertThat(letta.status()).isEqualTo(200);
        assertThat(letta.json().path("id").asText()).startsWith("job-");
        assertThat(letta.json().has("job_type")).isTrue();
        assertThat(gw.get("/v1/messages/batches", key).json().isArray()).isTrue();

        // Anthropic's body without the header is read as Letta's, and refused in Letta's (OpenAI-shaped) error format
        TestGateway.Resp asLetta = gw.post("/v1/messages/batches", key, batch(item("a", params("hi"))));
        assertThat(asLetta.status()).isEqualTo(400);
        assertThat(asLetta.json().path("error").path("message").isTextual()).isTrue();
        assertThat(asLetta.json().has("type")).isFalse();

        JsonNode listed = anthropic("GET", "/v1/messages/batches", key, null).json();
        assertThat(listed.isObject()).isTrue();
        assertThat(listed.has("data")).isTrue();
        assertThat(listed.path("has_more").isBoolean()).isTrue();

        // routes only Anthropic has answer without the header exactly as before they existed
        String lettaId = letta.json().path("id").asText();
        TestGateway.Resp post = gw.post("/v1/messages/batches/" + lettaId + "/cancel", key, "");
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.json().path("error").path("code").asText()).isEqualTo("method_not_allowed");
        assertThat(gw.send("DELETE", "/v1/messages/batches/" + lettaId, key, null).status()).isEqualTo(405);
        TestGateway.Resp results = gw.get("/v1/messages/batches/" + lettaId + "/results", key);
        assertThat(results.status()).isEqualTo(404);
        assertThat(results.json().path("error").path("code").asText()).isEqualTo("unknown_route");
        assertThat(results.header("request-id")).isNull();

        // and Letta-only routes do not exist for Anthropic's clients
        anthropicError(anthropic("GET", "/v1/messages/batches/" + lettaId + "/messages", key, null), 404, "not_found_error");
        anthropicError(anthropic("PATCH", "/v1/messages/batches/" + lettaId + "/cancel", key, null), 404, "not_found_error");
        assertThat(gw.get("/v1/messages/batches/" + lettaId + "/messages", key).status()).isEqualTo(200);

        // errors follow the header too: a missing key
        TestGateway.Resp noKey = gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/messages/batches"))
                .header("anthropic-version", "2023-06-01").GET(), null);
        anthropicError(noKey, 401, "authentication_error");
        TestGateway.Resp lettaNoKey = gw.get("/v1/messages/batches", "sk-wrong");
        assertThat(lettaNoKey.status()).isEqualTo(401);
        assertThat(lettaNoKey.json().has("type")).isFalse();
        assertThat(lettaNoKey.json().path("error").has("code")).isTrue();
    }

    @Test
    void lettaAndAnthropicBatchesAreInvisibleThroughEachOthersRoutes() {
        String lettaId = gw.post("/v1/messages/batches", key, "{\"requests\":[{\"input\":\"letta\"}]}").json().path("id").asText();
        String anthropicId = created(key, batch(item("a", params("anthropic")))).path("id").asText();

        anthropicError(anthropic("GET", "/v1/messages/batches/" + lettaId, key, null), 404, "not_found_error");
        anthropicError(anthropic("POST", "/v1/messages/batches/" + lettaId + "/cancel", key, null), 404, "not_found_error");
        assertThat(gw.get("/v1/messages/batches/" + anthropicId, key).status()).isEqualTo(404);
        assertThat(gw.send("PATCH", "/v1/messages/batches/" + anthropicId + "/cancel", key, null).status()).isEqualTo(404);
        assertThat(gw.get("/v1/messages/batches", key).json().findValuesAsText("id")).doesNotContain(anthropicId);
        assertThat(anthropic("GET", "/v1/messages/batches", key, null).json().path("data").findValuesAsText("id"))
                .contains(anthropicId).doesNotContain(lettaId);
    }

    @Test
    void anotherUsersBatchIsA404NotFoundErrorOnEveryRoute() {
        String id = created(key, batch(item("secret", params("private question")))).path("id").asText();
        awaitEnded(key, id);
        String stranger = gw.createUserKey("anthropic-batch-stranger", "user_pro");
        for (String[] route : new String[][]{{"GET", ""}, {"POST", "/cancel"}, {"GET", "/results"}, {"DELETE", ""}}) {
            TestGateway.Resp theirs = anthropic(route[0], "/v1/messages/batches/" + id + route[1], stranger, null);
            TestGateway.Resp unknown = anthropic(route[0], "/v1/messages/batches/msgbatch_unknown" + route[1], stranger, null);
            anthropicError(theirs, 404, "not_found_error");
            assertThat(theirs.json().path("error").path("message").asText())
                    .isEqualTo(unknown.json().path("error").path("message").asText().replace("msgbatch_unknown", id));
            assertThat(theirs.body()).doesNotContain("private question");
        }
        assertThat(anthropic("GET", "/v1/messages/batches/" + id, key, null).status()).isEqualTo(200);
    }

    @Test
    void theResultsUrlServesJsonlLinesWhateverTheClientAccepts() {
        JsonNode batch = created(key, batch(item("one", params("first")), item("two", params("second"))));
        assertThat(batch.get("results_url").isNull()).isTrue();
        assertThat(batch.path("type").asText()).isEqualTo("message_batch");
        for (String k : List.of("ended_at", "cancel_initiated_at", "archived_at")) assertThat(batch.get(k).isNull()).as(k).isTrue();
        JsonNode ended = awaitEnded(key, batch.path("id").asText());
        String url = ended.path("results_url").asText();
        assertThat(url).isEqualTo(gw.baseUrl() + "/v1/messages/batches/" + batch.path("id").asText() + "/results");

        // the Python SDK fetches results_url exactly as given, asking for application/binary
        TestGateway.Resp r = gw.send(HttpRequest.newBuilder(URI.create(url)).header("x-api-key", key)
                .header("anthropic-version", "2023-06-01").header("Accept", "application/binary").GET(), null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/x-jsonl");
        List<JsonNode> lines = Arrays.stream(r.body().split("\n")).map(Json::parseOrNull).toList();
        assertThat(lines).hasSize(2).doesNotContainNull();
        assertThat(lines.stream().map(l -> l.path("custom_id").asText())).containsExactlyInAnyOrder("one", "two");
        for (JsonNode l : lines) {
            assertThat(l.path("result").path("type").asText()).isEqualTo("succeeded");
            assertThat(l.path("result").path("message").path("type").asText()).isEqualTo("message");
        }
    }
}
