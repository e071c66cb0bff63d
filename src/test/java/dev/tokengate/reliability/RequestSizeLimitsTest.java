package dev.tokengate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every size limit, on every route family, answered in that family's error format: JSON bodies over
 * {@code server.max_body_bytes} (with a Content-Length and chunked, authenticated or not), uploads over
 * {@code batches.max_file_bytes}, request lines and headers over the HTTP codec's limits, job batch arrays over the
 * tier's {@code batch_size}, and message batches over {@code batches.max_requests}. Nothing is ever a 5xx, and the
 * gateway serves normally afterwards.
 */
class RequestSizeLimitsTest {
    private static final int MAX_BODY = 16_384;
    private static final int MAX_FILE = 4_096;
    private static final int MAX_REQUESTS = 3;
    private static TestGateway gw;
    private static String key;
    private static String userId;

    private enum Family { OPENAI, ANTHROPIC, JOBS, ADMIN }

    private record Target(Family family, String path, String anthropicVersion) {}

    private static final List<Target> JSON_ROUTES = List.of(
            new Target(Family.OPENAI, "/v1/chat/completions", null), new Target(Family.OPENAI, "/v1/embeddings", null),
            new Target(Family.OPENAI, "/v1/images/generations", null), new Target(Family.OPENAI, "/v1/responses", null),
            new Target(Family.OPENAI, "/v1/batches", null), new Target(Family.OPENAI, "/v1/messages/batches", null),
            new Target(Family.ANTHROPIC, "/v1/messages", null), new Target(Family.ANTHROPIC, "/v1/messages/batches", "2023-06-01"),
            new Target(Family.JOBS, "/api/v1/jobs/messages", null), new Target(Family.JOBS, "/api/v1/jobs/messages/batches", null),
            new Target(Family.ADMIN, "/admin/v1/users", null), new Target(Family.ADMIN, "/admin/v1/users/{id}/keys", null),
            new Target(Family.ADMIN, "/admin/v1/users/{id}/balance/topup", null));

    @BeforeAll
    static void start() {
        gw = TestGateway.start(Map.of("server.max_body_bytes", String.valueOf(MAX_BODY),
                "batches.max_file_bytes", String.valueOf(MAX_FILE), "batches.max_requests", String.valueOf(MAX_REQUESTS)));
        userId = gw.post("/admin/v1/users", TestGateway.ADMIN_KEY, "{\"name\":\"big\",\"tier\":\"user_max\"}").json().path("id").asText();
        key = gw.post("/admin/v1/users/" + userId + "/keys", TestGateway.ADMIN_KEY, "{}").json().path("key").asText();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void jsonBodiesOverTheLimitAre413InEachFamilysFormat() {
        byte[] oversized = jsonOf(MAX_BODY + 1_000);
        List<String> wrong = new ArrayList<>();
        int requests = 0;
        Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (Target t : JSON_ROUTES) {
            String credential = t.family() == Family.ADMIN ? TestGateway.ADMIN_KEY : key;
            for (String auth : new String[]{credential, null}) {
                for (boolean chunked : new boolean[]{false, true}) {
                    RawHttp.Request r = RawHttp.Request.of("POST", t.path().replace("{id}", userId), auth,
                            chunked ? chunked(oversized) : oversized);
                    if (chunked) r = r.withHeader("Transfer-Encoding", "chunked");
                    if (t.anthropicVersion() != null) r = r.withHeader("anthropic-version", t.anthropicVersion());
                    RawHttp.Response answer = RawHttp.exchange(gw.port(), r);
                    requests++;
                    statuses.merge(answer.status(), 1, Integer::sum);
                    // without a key the gateway may refuse the key first; never accept, never fail
                    int expected = answer.status() == 401 && auth == null ? 401 : 413;
                    String problem = problem(t.family(), answer, expected);
                    if (problem != null) wrong.add(t.path() + (auth == null ? " no key" : "") + (chunked ? " chunked" : "") + ": " + problem);
                }
            }
        }
        System.out.println("size-limits: " + requests + " oversized JSON requests on " + JSON_ROUTES.size() + " routes: " + statuses);
        assertThat(wrong).isEmpty();
        assertThat(gw.post("/v1/chat/completions", key, new String(jsonOf(MAX_BODY - 1_000), StandardCharsets.UTF_8)).status())
                .as("a body under the limit is served").isEqualTo(200);
    }

    @Test
    void aMultipartBodyOnAJsonRouteIsBoundByTheJsonLimit() {
        byte[] form = multipart("x".repeat(MAX_BODY + 1_000));
        RawHttp.Request r = RawHttp.Request.of("POST", "/admin/v1/users", TestGateway.ADMIN_KEY, null).withBody(form)
                .withHeader("Content-Type", "multipart/form-data; boundary=b0undary");
        assertThat(problem(Family.ADMIN, RawHttp.exchange(gw.port(), r), 413)).isNull();
    }

    @Test
    void uploadsOverTheFileLimitAre413AndUnderItAreStored() {
        for (boolean chunked : new boolean[]{false, true}) {
            byte[] form = multipart("{}\n".repeat(MAX_FILE / 3 + 100));
            RawHttp.Request r = RawHttp.Request.of("POST", "/v1/files", key, null).withBody(chunked ? chunked(form) : form)
                    .withHeader("Content-Type", "multipart/form-data; boundary=b0undary");
            if (chunked) r = r.withHeader("Transfer-Encoding", "chunked");
            RawHttp.Response answer = RawHttp.exchange(gw.port(), r);
            assertThat(problem(Family.OPENAI, answer, 413)).as("chunked " + chunked).isNull();
        }
        byte[] huge = multipart("{}\n".repeat(MAX_FILE * 100));
        RawHttp.Response unauthenticated = RawHttp.exchange(gw.port(), RawHttp.Request.of("POST", "/v1/files", null, null)
                .withBody(huge).withHeader("Content-Type", "multipart/form-data; boundary=b0undary"));
        assertThat(problem(Family.OPENAI, unauthenticated, 401)).as("an upload without a key is refused before it is read").isNull();
        RawHttp.Response small = RawHttp.exchange(gw.port(), RawHttp.Request.of("POST", "/v1/files", key, null)
                .withBody(multipart("{}\n")).withHeader("Content-Type", "multipart/form-data; boundary=b0undary"));
        assertThat(small.status()).as(small.toString()).isEqualTo(200);
        assertThat(gw.get("/v1/files", key).json().path("data")).as("no oversized upload was stored")
                .anySatisfy(f -> assertThat(f.path("id").asText()).isEqualTo(small.json().path("id").asText()))
                .allSatisfy(f -> assertThat(f.path("bytes").asLong()).isLessThanOrEqualTo(MAX_FILE));
    }

    @Test
    void requestLinesAndHeadersOverTheLimitsAre414And431InEachFamilysFormat() {
        List<String> wrong = new ArrayList<>();
        for (Target t : List.of(JSON_ROUTES.get(0), JSON_ROUTES.get(6), JSON_ROUTES.get(8), JSON_ROUTES.get(10))) {
            String credential = t.family() == Family.ADMIN ? TestGateway.ADMIN_KEY : key;
            RawHttp.Response longLine = RawHttp.exchange(gw.port(), RawHttp.Request.of("GET",
                    t.path() + "?q=" + "a".repeat(9_000), credential, null));
            String p = problem(t.family(), longLine, 414, true);
            if (p != null) wrong.add(t.path() + " long URL: " + p);
            RawHttp.Response bigHeader = RawHttp.exchange(gw.port(), RawHttp.Request.of("POST", t.path(), credential, "{}".getBytes())
                    .withHeader("X-Padding", "h".repeat(9_000)));
            p = problem(t.family(), bigHeader, 431);
            if (p != null) wrong.add(t.path() + " big header: " + p);
            RawHttp.Request many = RawHttp.Request.of("POST", t.path(), credential, "{}".getBytes());
            for (int i = 0; i < 200; i++) many = many.withHeader("X-Many-" + i, "v".repeat(40));
            p = problem(t.family(), RawHttp.exchange(gw.port(), many), 431);
            if (p != null) wrong.add(t.path() + " many headers: " + p);
        }
        assertThat(wrong).isEmpty();
        assertThat(gw.get("/v1/models", key).status()).isEqualTo(200);
    }

    @Test
    void jobBatchArraysOverTheTiersBatchSizeAre400() {
        String job = "{\"model\":\"gpt-5-mini\",\"response_format\":{\"format\":\"text\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        TestGateway.Resp tooMany = gw.post("/api/v1/jobs/messages/batches", key, "[" + String.join(",", java.util.Collections.nCopies(31, job)) + "]");
        assertThat(tooMany.status()).as(tooMany.body()).isEqualTo(400);
        assertThat(tooMany.json().path("success").asBoolean(true)).isFalse();
        assertThat(tooMany.json().path("code").asText()).isEqualTo("batch_size_limit");
        assertThat(tooMany.body()).contains("30");
        TestGateway.Resp atTheLimit = gw.post("/api/v1/jobs/messages/batches", key, "[" + String.join(",", java.util.Collections.nCopies(30, job)) + "]");
        assertThat(atTheLimit.status()).as(atTheLimit.body()).isEqualTo(200);
    }

    @Test
    void messageBatchesOverMaxRequestsAre400NamingRequests() {
        String letta = "{\"requests\":[" + String.join(",", java.util.Collections.nCopies(MAX_REQUESTS + 1, "{\"input\":\"hi\"}")) + "]}";
        TestGateway.Resp lettaAnswer = gw.post("/v1/messages/batches", key, letta);
        assertThat(lettaAnswer.status()).as(lettaAnswer.body()).isEqualTo(400);
        assertThat(lettaAnswer.json().path("error").path("param").asText()).isEqualTo("requests");

        String item = "{\"custom_id\":\"c%d\",\"params\":{\"model\":\"claude-3.5-sonnet\",\"max_tokens\":8,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}";
        List<String> items = new ArrayList<>();
        for (int i = 0; i <= MAX_REQUESTS; i++) items.add(item.formatted(i));
        RawHttp.Response anthropic = RawHttp.exchange(gw.port(), RawHttp.Request.of("POST", "/v1/messages/batches", key,
                ("{\"requests\":[" + String.join(",", items) + "]}").getBytes(StandardCharsets.UTF_8)).withHeader("anthropic-version", "2023-06-01"));
        assertThat(anthropic.status()).as(anthropic.toString()).isEqualTo(400);
        assertThat(anthropic.json().path("type").asText()).isEqualTo("error");
        assertThat(anthropic.json().path("error").path("message").asText()).startsWith("requests");

        StringBuilder lines = new StringBuilder();
        for (int i = 0; i <= MAX_REQUESTS; i++) {
            lines.append("{\"custom_id\":\"c").append(i).append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":")
                    .append("{\"model\":\"gpt-5-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}\n");
        }
        RawHttp.Response upload = RawHttp.exchange(gw.port(), RawHttp.Request.of("POST", "/v1/files", key, null)
                .withBody(multipart(lines.toString())).withHeader("Content-Type", "multipart/form-data; boundary=b0undary"));
        assertThat(upload.status()).as(upload.toString()).isEqualTo(200);
        TestGateway.Resp batch = gw.post("/v1/batches", key, "{\"input_file_id\":\"" + upload.json().path("id").asText()
                + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        assertThat(batch.status()).as(batch.body()).isIn(200, 400);
        String outcome = batch.status() == 400 ? batch.json().path("error").path("message").asText()
                : batch.json().path("errors").toString() + batch.json().path("status").asText();
        assertThat(outcome).as(batch.body()).contains(String.valueOf(MAX_REQUESTS));
        if (batch.status() == 200) assertThat(batch.json().path("status").asText()).isEqualTo("failed");
    }

    /**
     * Null when {@code r} is a complete answer with {@code status} and the family's error body; else what is wrong.
     * {@code anyJsonErrorFormat}: a request line too long to read has no path, so any family's format is accepted.
     */
    private static String problem(Family family, RawHttp.Response r, int status) {
        return problem(family, r, status, false);
    }

    private static String problem(Family family, RawHttp.Response r, int status, boolean anyJsonErrorFormat) {
        if (r.status() != status) return "status " + r;
        JsonNode n = r.json();
        if (n == null) return "not JSON: " + r;
        boolean openAi = n.path("error").path("message").isTextual() && n.path("error").path("type").isTextual();
        boolean anthropic = "error".equals(n.path("type").asText()) && n.path("error").path("type").isTextual();
        boolean jobs = n.path("success").isBoolean() && !n.path("success").asBoolean() && n.path("message").isTextual();
        boolean ok = anyJsonErrorFormat ? openAi || anthropic || jobs : switch (family) {
            case OPENAI, ADMIN -> openAi && !n.has("type");
            case ANTHROPIC -> anthropic && (status != 413 || "request_too_large".equals(n.path("error").path("type").asText()));
            case JOBS -> jobs;
        };
        return ok ? null : "not the " + family + " error format: " + r;
    }

    private static byte[] jsonOf(int bytes) {
        String head = "{\"model\":\"gpt-5-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"";
        String tail = "\"}]}";
        return (head + "a".repeat(bytes - head.length() - tail.length()) + tail).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] multipart(String fileContent) {
        String b = "b0undary";
        return ("--" + b + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--" + b
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n\r\n" + fileContent + "\r\n--" + b + "--\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** {@code body} in chunked transfer coding, 1000 bytes a chunk. */
    private static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += 1000) {
            int n = Math.min(1000, body.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
