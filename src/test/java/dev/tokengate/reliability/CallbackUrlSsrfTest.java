package dev.tokengate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * Callback URLs cannot be turned against the gateway's own network. With the default configuration every URL that
 * reaches (or may be read as) a loopback, private, link-local or otherwise internal address is a 400 naming the field on
 * each route that takes one. With exactly one private receiver allowed ({@code callbacks.allowed_private_addresses}),
 * the guard still refuses every other internal address, and a redirect from the allowed receiver to an internal one is
 * not followed: it is the callback's recorded error.
 */
class CallbackUrlSsrfTest {
    private static final List<String> INTERNAL_URLS = List.of(
            "http://127.0.0.1/hook", "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://LOCALHOST:9/hook",
            "http://[::1]/hook", "http://0.0.0.0/hook", "http://0/hook",
            "http://10.0.0.5/hook", "http://172.16.3.4/hook", "http://192.168.1.1/hook", "http://100.64.0.1/hook",
            "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/hook", "http://[fd00::1]/hook",
            "http://[::ffff:127.0.0.1]/hook", "http://[::ffff:169.254.169.254]/hook", "http://[::ffff:a9fe:a9fe]/hook",
            "http://[::127.0.0.1]/hook", "http://[64:ff9b::a9fe:a9fe]/hook", "http://[2002:7f00:1::]/hook",
            "http://2130706433/hook", "http://0x7f000001/hook", "http://0x7f.1/hook", "http://0177.0.0.1/hook",
            "http://127.1/hook", "http://017700000001/hook", "http://224.0.0.1/hook", "http://255.255.255.255/hook",
            "http://user:password@example.com/hook", "ftp://example.com/hook", "file:///etc/passwd", "gopher://127.0.0.1:6379/_",
            "http:///hook", "not a url");

    @Test
    void internalCallbackUrlsAreRefusedAtCreationWithA400NamingTheField() {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createUserKey("ssrf", "user_max");
            List<String> accepted = new ArrayList<>();
            for (String url : INTERNAL_URLS) {
                String cb = "\"callback\":{\"callback_url\":\"" + url + "\"}";
                Resp single = gw.post("/api/v1/jobs/messages", key, job(cb));
                expectRefused(single, url, single.status() == 400 ? single.json().path("param").asText() : null,
                        "callback.callback_url", accepted);
                Resp batch = gw.post("/api/v1/jobs/messages/batches", key, "[" + job(null) + "," + job(cb) + "]");
                expectRefused(batch, url, batch.status() == 400 ? batch.json().path("param").asText() : null,
                        "[1].callback.callback_url", accepted);
                Resp letta = gw.post("/v1/messages/batches", key, "{\"requests\":[{\"input\":\"x\"}],\"callback_url\":\"" + url + "\"}");
                expectRefused(letta, url, letta.status() == 400 ? letta.json().path("error").path("param").asText() : null,
                        "callback_url", accepted);
            }
            assertThat(accepted).isEmpty();
            assertThat(gw.get("/v1/messages/batches", key).json()).as("no batch was created").isEmpty();
            assertThat(gw.get("/v1/usage", key).json().path("data")).as("no job ran").isEmpty();
        }
    }

    @Test
    void aRedirectFromTheOneAllowedReceiverToAnInternalAddressIsNotFollowedAndIsTheCallbacksError() throws Exception {
        Queue<String> stolen = new ConcurrentLinkedQueue<>();
        HttpServer internal = server(exchange -> {
            stolen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.sendResponseHeaders(200, -1);
        });
        String internalUrl = "http://127.0.0.1:" + internal.getAddress().getPort() + "/internal-admin";
        Queue<String> received = new ConcurrentLinkedQueue<>();
        HttpServer receiver = server(exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.getResponseHeaders().add("Location", internalUrl);
            exchange.sendResponseHeaders(307, -1);
        });
        String allowed = "127.0.0.1:" + receiver.getAddress().getPort();
        try (TestGateway gw = TestGateway.start(Map.of("callbacks.allowed_private_addresses", allowed))) {
            String key = gw.createUserKey("redirected", "user_max");
            Resp direct = gw.post("/api/v1/jobs/messages/batches", key, "[" + job("\"callback\":{\"callback_url\":\"" + internalUrl + "\"}") + "]");
            assertThat(direct.status()).as("the guard is on: the internal server itself is refused").isEqualTo(400);
            assertThat(direct.json().path("param").asText()).isEqualTo("[0].callback.callback_url");

            Resp r = gw.post("/api/v1/jobs/messages/batches", key,
                    "[" + job("\"callback\":{\"callback_url\":\"http://" + allowed + "/hook\"}") + "]");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            String id = r.json().path("data").path("jobs").path(0).path("job_id").asText();

            JsonNode callback = awaitCallbackEnd(gw, key, id);
            assertThat(callback.path("state").asText()).isEqualTo("failed");
            assertThat(callback.path("attempts").asInt()).as("a redirect is final, not retried").isEqualTo(1);
            assertThat(callback.path("last_status_code").asInt()).isEqualTo(307);
            assertThat(callback.path("last_error").asText()).contains("redirect");
            assertThat(received).containsExactly("POST /hook");
            assertThat(stolen).as("requests that reached the redirect's internal target").isEmpty();
        } finally {
            receiver.stop(0);
            internal.stop(0);
        }
    }

    private static void expectRefused(Resp r, String url, String param, String expectedParam, List<String> accepted) {
        if (r.status() != 400 || !expectedParam.equals(param)) accepted.add(url + " -> " + r.status() + " " + r.body());
    }

    private static JsonNode awaitCallbackEnd(TestGateway gw, String key, String jobId) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        JsonNode callback = null;
        while (System.nanoTime() < deadline) {
            callback = gw.get("/api/v1/jobs/" + jobId, key).json().path("data").path("callback");
            if (callback.path("state").asText().matches("delivered|failed")) return callback;
            Thread.sleep(20);
        }
        throw new AssertionError("the callback did not end; last seen " + callback);
    }

    private static String job(String callback) {
        return "{\"model\":\"gpt-5-mini\",\"response_format\":{\"format\":\"text\"},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
                + (callback == null ? "" : "," + callback) + "}";
    }

    private interface Handler {
        void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException;
    }

    private static HttpServer server(Handler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                handler.handle(exchange);
            }
        });
        server.start();
        return server;
    }
}
