package dev.tokengate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code tokengate jobs get ID} against the gateway, and {@code tokengate usage} against gateways with and without usage. */
class CliJobsAndUsageTest {
    private static TestGateway gw;
    private static String key;
    private static CliRun cli;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start();
        key = gw.createUserKey("jobber", "user_pro");
        cli = new CliRun(Map.of("TOKENGATE_URL", gw.baseUrl(), "TOKENGATE_API_KEY", key), Files.createTempDirectory("cli"));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void jobsGetShowsStatusModelAttemptsAndResult() {
        var done = gw.post("/api/v1/jobs/messages", key, "{\"model\":\"gpt-4o\",\"timeout\":30,\"response_format\":{\"format\":\"text\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"How many planets?\"}]}").json().path("data");

        CliRun.Result r = cli.run("jobs", "get", done.path("job_id").asText());

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out()).contains("status:       completed").contains("model:        gpt-4o").contains("attempts:     1")
                .contains(done.path("result").path("response_message").asText());
        CliRun.Result json = cli.run("jobs", "get", done.path("job_id").asText(), "--json");
        assertThat(Json.parseOrNull(json.out()).path("job_id").asText()).isEqualTo(done.path("job_id").asText());
    }

    @Test
    void jobsGetOfAnUnknownJobExits1() {
        CliRun.Result r = cli.run("jobs", "get", "job_nope");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("HTTP 404");
    }

    @Test
    void usageExplainsWhenTheGatewayHasNoUsageApi() throws Exception {
        HttpServer stub = stub(404, "{\"error\":{\"message\":\"Unknown route: GET /v1/usage\",\"type\":\"not_found_error\",\"param\":null,"
                + "\"code\":\"unknown_route\"}}", new ConcurrentLinkedQueue<>());
        try {
            CliRun.Result r = cli.run("usage", "--url", "http://127.0.0.1:" + stub.getAddress().getPort());

            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("this gateway has no usage API").contains("GET /v1/usage");
        } finally {
            stub.stop(0);
        }
    }

    @Test
    void usageListsRecordsWithTotalsPerModelAndPassesTheFilters() throws Exception {
        Queue<String> queries = new ConcurrentLinkedQueue<>();
        String page = "{\"object\":\"list\",\"has_more\":false,\"data\":["
                + record("gpt-4o", 10, 5, 1500, "2.5e-3") + "," + record("gpt-4o", 20, 7, 2500, "0.0025") + ","
                + record("gpt-5-mini", 3, 4, 10, "0.00001") + "]}";
        HttpServer stub = stub(200, page, queries);
        try {
            CliRun.Result r = cli.run("usage", "--url", "http://127.0.0.1:" + stub.getAddress().getPort(), "--model", "gpt-4o", "--from", "2026-01-01T00:00:00Z");

            assertThat(r.code()).as(r.toString()).isZero();
            assertThat(queries).containsExactly("from=2026-01-01T00%3A00%3A00Z&model=gpt-4o");
            assertThat(r.out()).contains("MODEL", "REQUESTS");
            assertThat(r.out().lines().filter(l -> l.startsWith("gpt-4o ")).toList()).last().asString()
                    .matches("gpt-4o\\s+2\\s+30\\s+12\\s+0.004000");
        } finally {
            stub.stop(0);
        }
    }

    private static String record(String model, int prompt, int completion, long chargedMicros, String chargedUsd) {
        return "{\"object\":\"usage_record\",\"model\":\"" + model + "\",\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
                + ",\"charged_micros\":" + chargedMicros + ",\"charged_usd\":\"" + chargedUsd + "\",\"status\":\"ok\",\"created_at\":1767225600}";
    }

    /** A one-route gateway stand-in: GET /v1/usage answers this status and body, recording each query string. */
    private static HttpServer stub(int status, String body, Queue<String> queries) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/usage", exchange -> {
            queries.add(String.valueOf(exchange.getRequestURI().getRawQuery()));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }
}
