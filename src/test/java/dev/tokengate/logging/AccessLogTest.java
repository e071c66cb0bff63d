package dev.tokengate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One structured access line per request, tied to the X-Request-Id the client sees. */
class AccessLogTest {
    private static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static TestGateway.Resp withRequestId(String method, String path, String key, String requestId, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (requestId != null) b.header("X-Request-Id", requestId);
        return gw.send(b, key);
    }

    @Test
    void accessLineCarriesRequestIdMethodRouteStatusModelAndUser() throws Exception {
        String key = gw.createUserKey("rita", "user_pro");
        try (CapturedLog log = new CapturedLog()) {
            TestGateway.Resp r = withRequestId("POST", "/v1/chat/completions", key, "req-chat-1",
                    "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Request-Id")).isEqualTo("req-chat-1");
            JsonNode line = log.accessLine("req-chat-1");
            assertThat(line.path("level").asText()).isEqualTo("INFO");
            assertThat(line.path("method").asText()).isEqualTo("POST");
            assertThat(line.path("route").asText()).isEqualTo("/v1/chat/completions");
            assertThat(line.path("status").asInt()).isEqualTo(200);
            assertThat(line.path("model").asText()).isEqualTo("gpt-4o");
            assertThat(line.path("user_id").asText()).startsWith("user_");
            assertThat(line.path("key_id").asText()).startsWith("key_");
            assertThat(line.path("duration_ms").isNumber()).isTrue();
            assertThat(line.path("time").asText()).endsWith("Z");
        }
    }

    @Test
    void accessLineHasTheKeysOfEveryLogLineThenTheRequestsInAFixedOrder() throws Exception {
        String key = gw.createUserKey("rhea", "user_pro");
        try (CapturedLog log = new CapturedLog()) {
            withRequestId("POST", "/v1/chat/completions", key, "req-order-1",
                    "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

            JsonNode line = log.accessLine("req-order-1");
            assertThat(line.fieldNames()).toIterable().containsExactly("time", "level", "logger", "message", "request_id",
                    "method", "route", "status", "duration_ms", "model", "user_id", "key_id");
            assertThat(line.path("message").asText()).isEqualTo("POST /v1/chat/completions 200");
            assertThat(line.path("status").isInt()).isTrue();
            assertThat(line.path("duration_ms").isDouble()).isTrue();
        }
    }

    @Test
    void aSecretInTheModelNameIsMaskedInTheAccessLine() throws Exception {
        String key = gw.createUserKey("rolf", "user_pro");
        try (CapturedLog log = new CapturedLog()) {
            withRequestId("POST", "/v1/chat/completions", key, "req-secret-1",
                    "{\"model\":\"sk-abcdefghijklmnopqrstuvwx\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

            JsonNode line = log.accessLine("req-secret-1");
            assertThat(line.path("model").asText()).isEqualTo("sk-***");
            assertThat(String.join("\n", log.lines())).doesNotContain("abcdefghijklmnopqrstuvwx");
        }
    }

    @Test
    void accessLineNamesTheRoutePatternNotThePath() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            withRequestId("GET", "/v1/models/some-model-name", TestGateway.ADMIN_KEY, "req-model-1", null);

            assertThat(log.accessLine("req-model-1").path("route").asText()).isEqualTo("/v1/models/:model");
        }
    }

    @Test
    void failedAuthenticationIsLoggedWithoutAUser() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            withRequestId("GET", "/v1/models", "tg-nonsense", "req-denied-1", null);

            JsonNode line = log.accessLine("req-denied-1");
            assertThat(line.path("status").asInt()).isEqualTo(401);
            assertThat(line.path("user_id").isNull()).isTrue();
        }
    }

    @Test
    void requestWithoutAnIdGetsOneInTheHeaderAndTheLog() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            String id = withRequestId("GET", "/health", null, null, null).header("X-Request-Id");

            assertThat(id).startsWith("req_");
            assertThat(log.accessLine(id).path("route").asText()).isEqualTo("/health");
        }
    }

    @Test
    void implausibleRequestIdIsReplaced() {
        String tooLong = "r".repeat(201);

        assertThat(withRequestId("GET", "/health", null, tooLong, null).header("X-Request-Id")).startsWith("req_");
        assertThat(withRequestId("GET", "/health", null, "has space", null).header("X-Request-Id")).startsWith("req_");
    }
}
