package dev.tokengate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Error answers carry no secret: a refused key is never echoed (any family, either header), and an upstream that quotes
 * keys in its error (the gateway's own upstream key from the request headers, another sk- key) reaches neither the
 * client, nor the stored job, nor the logs unmasked: on every error status, in OpenAI's and Anthropic's shapes, and in a
 * stream's error event. The upstream's message itself still comes through, masked.
 */
class SecretsInErrorsTest {
    private static final String OPENAI_UPSTREAM_KEY = "openai-upstream-key-Vq81LmZ0xR3";
    private static final String ANTHROPIC_UPSTREAM_KEY = "anthropic-upstream-key-Hw27NcP4tY9";
    private static final String QUOTED_SK_KEY = "sk-proj-QuotedByTheUpstream0123456789abcdef";

    @Test
    void aRefusedKeyIsNotEchoedInTheAnswerOrTheLogs() throws Exception {
        try (CapturedLog log = new CapturedLog(); TestGateway gw = TestGateway.start()) {
            String admin = TestGateway.ADMIN_KEY;
            String userId = gw.post("/admin/v1/users", admin, "{\"name\":\"r\",\"tier\":\"user_max\"}").json().path("id").asText();
            var created = gw.post("/admin/v1/users/" + userId + "/keys", admin, "{}").json();
            String revoked = created.path("key").asText();
            gw.send("DELETE", "/admin/v1/users/" + userId + "/keys/" + created.path("id").asText(), admin, null);
            List<String> wrongKeys = List.of(revoked, "tg-" + "Wr0ngWr0ngWr0ngWr0ngWr0ngWr0ngWr0ngWr0ng123", QUOTED_SK_KEY,
                    "a-key-of-no-known-shape-5f4e3d2c1b0a", admin + "x", admin.substring(0, admin.length() - 1));
            List<String> leaks = new ArrayList<>();
            int requests = 0;
            for (String key : wrongKeys) {
                for (String path : List.of("/v1/models", "/v1/messages", "/api/v1/jobs/x", "/admin/v1/users", "/v1/files")) {
                    for (String header : List.of("Authorization", "x-api-key")) {
                        String value = header.equals("Authorization") ? "Bearer " + key : key;
                        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).header(header, value)
                                .header("Content-Type", "application/json");
                        b = path.equals("/v1/messages") ? b.POST(HttpRequest.BodyPublishers.ofString("{}")) : b.GET();
                        Resp r = gw.send(b, null);
                        requests++;
                        if (r.status() != 401) leaks.add(path + " with " + header + ": status " + r.status());
                        if (r.body().contains(key) || r.headers().toString().contains(key)) leaks.add(path + " with " + header + ": " + r.body());
                    }
                }
            }
            assertThat(requests).isEqualTo(60);
            assertThat(leaks).isEmpty();
            awaitAccessLines(log, requests);
            for (String key : wrongKeys) assertThat(log.lines()).noneMatch(l -> l.contains(key));
        }
    }

    @Test
    void upstreamErrorsQuotingKeysReachNeitherClientsNorJobsNorLogsUnmasked() throws Exception {
        AtomicReference<Integer> status = new AtomicReference<>(500);
        AtomicInteger upstreamCalls = new AtomicInteger();
        HttpServer upstream = quotingUpstream(status, upstreamCalls);
        String base = "http://127.0.0.1:" + upstream.getAddress().getPort();
        List<String> secrets = List.of(OPENAI_UPSTREAM_KEY, ANTHROPIC_UPSTREAM_KEY, QUOTED_SK_KEY);
        try (CapturedLog log = new CapturedLog();
             TestGateway gw = TestGateway.start(null, Map.of(), Map.of("OPENAI_API_KEY", OPENAI_UPSTREAM_KEY,
                     "OPENAI_BASE_URL", base + "/v1", "ANTHROPIC_API_KEY", ANTHROPIC_UPSTREAM_KEY, "ANTHROPIC_BASE_URL", base))) {
            String key = gw.createUserKey("upstream-errors", "user_max");
            List<String> answers = new ArrayList<>();
            List<String> passedOn = new ArrayList<>();
            for (int s : List.of(400, 401, 403, 404, 408, 413, 422, 429, 500, 502, 503, 504, 529)) {
                status.set(s);
                Resp openai = gw.post("/v1/chat/completions", key, chat("gpt-4o", false));
                Resp anthropic = gw.post("/v1/messages", key, "{\"model\":\"claude-3.5-sonnet\",\"max_tokens\":16,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                for (Resp r : List.of(openai, anthropic)) {
                    assertThat(r.status()).as(s + ": " + r.body()).isGreaterThanOrEqualTo(400);
                    answers.add(s + " -> " + r.status() + " " + r.body() + " " + r.headers());
                    if (r.body().contains("was refused: invalid key")) passedOn.add(s + " " + r.body());
                }
            }
            status.set(200);
            answers.add("stream " + gw.post("/v1/chat/completions", key, chat("gpt-4o", true)).body());
            answers.add("anthropic stream " + gw.post("/v1/messages", key, "{\"model\":\"claude-3.5-sonnet\",\"max_tokens\":16,"
                    + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").body());
            status.set(400);
            Resp job = gw.post("/api/v1/jobs/messages", key, "{\"model\":\"gpt-4o\",\"response_format\":{\"format\":\"text\"},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            answers.add("job " + job.body());
            assertThat(job.json().path("data").path("status").asText()).as(job.body()).isEqualTo("failed");
            answers.add("stored job " + gw.get("/api/v1/jobs/" + job.json().path("data").path("job_id").asText(), key).body());

            assertThat(upstreamCalls.get()).as("every request reached the upstream").isGreaterThanOrEqualTo(29);
            assertThat(passedOn).as("the upstream's own words still reach the client, masked").isNotEmpty();
            assertThat(String.join("\n", answers)).contains("mid-stream").contains("***");
            for (String secret : secrets) {
                assertThat(answers).as("answers quoting " + secret).noneMatch(a -> a.contains(secret));
                assertThat(log.lines()).as("log lines quoting " + secret).noneMatch(l -> l.contains(secret));
            }
        } finally {
            upstream.stop(0);
        }
    }

    private static void awaitAccessLines(CapturedLog log, int n) {
        log.await(line -> log.lines().stream().filter(l -> l.contains("\"tokengate.access\"")).count() >= n, n + " access lines");
    }

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    /**
     * An OpenAI and Anthropic upstream whose errors quote the key it was sent and another key; at status 200 it streams
     * an error event quoting them.
     */
    private static HttpServer quotingUpstream(AtomicReference<Integer> status, AtomicInteger calls) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            calls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            boolean anthropic = exchange.getRequestURI().getPath().endsWith("/messages");
            String presented = anthropic ? exchange.getRequestHeaders().getFirst("x-api-key")
                    : exchange.getRequestHeaders().getFirst("Authorization");
            String quote = "Your key " + presented + " was refused: invalid key (did you mean " + QUOTED_SK_KEY + "?)";
            int s = status.get();
            if (s == 200) {
                String event = anthropic
                        ? "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"" + quote + "\"}}\n\n"
                        : "data: {\"error\":{\"message\":\"" + quote + "\",\"type\":\"server_error\"}}\n\n";
                send(exchange, 200, "text/event-stream", event);
            } else {
                send(exchange, s, "application/json", anthropic
                        ? "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"" + quote + "\"}}"
                        : "{\"error\":{\"message\":\"" + quote + "\",\"type\":\"invalid_request_error\"}}");
            }
        });
        server.start();
        return server;
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.getResponseHeaders().add("Retry-After", "0");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
