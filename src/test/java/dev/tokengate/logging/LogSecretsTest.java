package dev.tokengate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tokengate.support.TestGateway;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * A whole gateway run that handles every kind of secret (the admin key, user keys, a revoked key, a wrong key, a
 * callback secret, the upstream key) writes structured lines that never contain any of them.
 */
class LogSecretsTest {
    private static final String UPSTREAM_KEY = "upstream-secret-7Qm2xZ9pL4vR8nB3";
    private static final String WRONG_KEY = "not-a-key-but-secret-9f8e7d6c5b4a";
    private static final String WRONG_TG_KEY = "tg-wrongwrongwrongwrongwrongwrong0123456789";

    @Test
    void noSecretAppearsInAnyLogLine() throws Exception {
        Queue<String> upstreamAuthorizations = new ConcurrentLinkedQueue<>();
        HttpServer upstream = failingUpstream(upstreamAuthorizations);
        List<String> secrets = new ArrayList<>(List.of(TestGateway.ADMIN_KEY, UPSTREAM_KEY, WRONG_KEY, WRONG_TG_KEY));
        try (CapturedLog log = new CapturedLog();
             TestGateway gw = TestGateway.start(null, Map.of(), Map.of("OPENAI_API_KEY", UPSTREAM_KEY,
                     "OPENAI_BASE_URL", "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1"))) {
            String admin = TestGateway.ADMIN_KEY;
            String userId = gw.post("/admin/v1/users", admin, "{\"name\":\"quinn\",\"tier\":\"user_max\"}").json().path("id").asText();
            String key = gw.post("/admin/v1/users/" + userId + "/keys", admin, "{\"name\":\"laptop\"}").json().path("key").asText();
            JsonNode second = gw.post("/admin/v1/users/" + userId + "/keys", admin, "{}").json();
            String revoked = second.path("key").asText();
            assertThat(gw.send("DELETE", "/admin/v1/users/" + userId + "/keys/" + second.path("id").asText(), admin, null).status()).isEqualTo(200);
            String callbackSecret = gw.get("/api/v1/callback-secret", key).json().path("data").path("secret").asText();
            secrets.addAll(List.of(key, revoked, callbackSecret));

            assertThat(gw.get("/v1/models", key).status()).isEqualTo(200);
            assertThat(gw.post("/v1/chat/completions", key, chat("claude-3.5-sonnet")).status()).isEqualTo(200);
            assertThat(gw.post("/v1/chat/completions", key, chat("gpt-4o")).status()).isGreaterThanOrEqualTo(500);
            assertThat(gw.get("/v1/models", WRONG_KEY).status()).isEqualTo(401);
            assertThat(gw.get("/v1/models", WRONG_TG_KEY).status()).isEqualTo(401);
            assertThat(gw.get("/v1/models", revoked).status()).isEqualTo(401);
            assertThat(gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/api/v1/jobs/x")).header("x-api-key", WRONG_KEY)
                    .header("X-Request-Id", "req-last").GET(), null).status()).isEqualTo(401);
            assertThat(gw.get("/v1/models/" + WRONG_KEY, key).status()).isEqualTo(404);
            assertThat(gw.get("/v1/models?api_key=" + WRONG_KEY, null).status()).isEqualTo(401);

            log.accessLine("req-last");
            assertThat(upstreamAuthorizations).as("the upstream was called with its key").contains("Bearer " + UPSTREAM_KEY);
            List<String> lines = log.lines();
            assertThat(log.parsed()).allSatisfy(line -> assertThat(line.has("time") && line.has("level") && line.has("logger")
                    && line.has("message")).as(line.toString()).isTrue());
            assertThat(lines.stream().filter(l -> l.contains("\"tokengate.access\"")).count()).isGreaterThanOrEqualTo(13);
            for (String secret : secrets) {
                assertThat(secret).isNotBlank();
                assertThat(lines).as("log lines containing a secret").noneMatch(l -> l.contains(secret));
            }
        } finally {
            upstream.stop(0);
        }
    }

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    /** An upstream that records the Authorization header it is sent and answers 500. */
    private static HttpServer failingUpstream(Queue<String> authorizations) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"error\":{\"message\":\"upstream exploded\",\"type\":\"server_error\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }
}
