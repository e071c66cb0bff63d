package dev.tokengate.batches;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A Letta batch's callback: signed, retried after a 500, recorded on the batch; internal URLs refused by default. */
class BatchCallbacksTest {
    private record Delivery(String timestamp, String signature, byte[] body) {}

    private static TestGateway gw;
    private static HttpServer receiver;
    private static final LinkedBlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
    private static final AtomicInteger calls = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            deliveries.add(new Delivery(exchange.getRequestHeaders().getFirst("X-Tokengate-Timestamp"),
                    exchange.getRequestHeaders().getFirst("X-Tokengate-Signature"), body));
            int status = calls.incrementAndGet() == 1 ? 500 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
        gw = TestGateway.start(Map.of("callbacks.allow_private_networks", "true"));
    }

    @AfterAll
    static void stop() {
        gw.close();
        receiver.stop(0);
    }

    @Test
    void theCallbackIsSignedRetriedAfterA500AndRecordedOnTheBatch() throws Exception {
        String key = gw.createUserKey("callback-user", "user_pro");
        String secret = gw.get("/api/v1/callback-secret", key).json().path("data").path("secret").asText();
        assertThat(secret).isNotBlank();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        JsonNode created = gw.post("/v1/messages/batches", key, "{\"requests\":[{\"input\":\"ping\"}],\"callback_url\":\"" + url + "\"}").json();
        assertThat(created.path("callback_url").asText()).isEqualTo(url);
        String id = created.path("id").asText();

        Delivery refused = deliveries.poll(30, TimeUnit.SECONDS);
        Delivery accepted = deliveries.poll(30, TimeUnit.SECONDS);
        assertThat(refused).isNotNull();
        assertThat(accepted).isNotNull();
        for (Delivery d : List.of(refused, accepted)) {
            assertThat(d.signature()).isEqualTo("v1=" + hmacHex(secret, d.timestamp() + "." + new String(d.body(), StandardCharsets.UTF_8)));
            assertThat(Long.parseLong(d.timestamp())).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(300L));
        }
        JsonNode payload = Json.parseOrNull(new String(accepted.body(), StandardCharsets.UTF_8));
        assertThat(payload.path("job_id").asText()).isEqualTo(id);
        assertThat(payload.path("status").asText()).isEqualTo("completed");
        assertThat(Instant.parse(payload.path("completed_at").asText())).isNotNull();
        assertThat(payload.path("metadata").path("job_type").asText()).isEqualTo("batch_messages");
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).isEqualTo(new String(accepted.body(), StandardCharsets.UTF_8));

        JsonNode batch = BatchTesting.await(() -> gw.get("/v1/messages/batches/" + id, key).json(),
                b -> b.path("callback_status_code").asInt() == 200);
        assertThat(batch.get("callback_error").isNull()).isTrue();
        LettaBatchRoutesTest.assertUtc(batch.path("callback_sent_at").asText());
        assertThat(Instant.parse(batch.path("callback_sent_at").asText())).isAfterOrEqualTo(Instant.parse(batch.path("completed_at").asText()));
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void callbackUrlsReachingInternalAddressesAreRefusedWith400ByDefault() {
        try (TestGateway strict = TestGateway.start()) {
            String key = strict.createUserKey("ssrf-user", "user_pro");
            for (String url : List.of("http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/hook",
                    "http://169.254.169.254/latest/meta-data", "http://[::1]/hook", "http://192.168.0.10/hook")) {
                TestGateway.Resp r = strict.post("/v1/messages/batches", key, "{\"requests\":[{\"input\":\"x\"}],\"callback_url\":\"" + url + "\"}");
                assertThat(r.status()).as(url).isEqualTo(400);
                assertThat(r.json().path("error").path("param").asText()).isEqualTo("callback_url");
            }
            assertThat(strict.post("/v1/messages/batches", key, "{\"requests\":[{\"input\":\"x\"}],\"callback_url\":\"ftp://example.com/x\"}").status())
                    .isEqualTo(400);
            assertThat(strict.get("/v1/messages/batches", key).json()).isEmpty();
        }
    }

    private static String hmacHex(String secret, String signed) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }
}
