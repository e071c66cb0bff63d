package dev.tokengate.openai;

import static dev.tokengate.support.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestGateway;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** server.max_body_bytes: bodies over the configured limit get 413 in OpenAI's error shape. */
class RequestBodyLimitTest {
    private static TestGateway gw;
    private static String key;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(Map.of("server.max_body_bytes", "2048"));
        key = gw.createUserKey("limits", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static String bodyOfAbout(int bytes) {
        return "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(bytes - 70) + "\"}]}";
    }

    @Test
    void bodyUnderTheLimitIsServed() {
        assertThat(gw.post("/v1/chat/completions", key, bodyOfAbout(1500)).status()).isEqualTo(200);
    }

    @Test
    void bodyOverTheLimitIs413() {
        assertError(gw.post("/v1/chat/completions", key, bodyOfAbout(5000)), 413);
    }

    @Test
    void chunkedBodyOverTheLimitIs413() {
        byte[] body = bodyOfAbout(5000).getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

        assertError(gw.send(b, key), 413);
    }
}
