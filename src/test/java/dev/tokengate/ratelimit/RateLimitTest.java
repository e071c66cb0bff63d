package dev.tokengate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestGateway;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** In-process limits per API key, by tier. */
class RateLimitTest {
    private static final String CHAT = "{\"model\":\"gpt-5-mini\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hi there\"}]}";

    @Test
    void requestsOverTheMinuteLimitGet429WithRetryAfterAndTheOpenAiHeaders() {
        try (TestGateway gw = TestGateway.start(Map.of("rate_limits.tiers.user_go.requests_per_minute", "3"))) {
            String key = gw.createUserKey("rpm", "user_go");
            for (int i = 0; i < 3; i++) {
                TestGateway.Resp ok = gw.post("/v1/chat/completions", key, CHAT);
                assertThat(ok.status()).isEqualTo(200);
                assertThat(ok.header("x-ratelimit-limit-requests")).isEqualTo("3");
                assertThat(ok.header("x-ratelimit-remaining-requests")).isEqualTo(String.valueOf(2 - i));
                assertThat(ok.header("x-ratelimit-reset-requests")).matches("\\d+(ms|s)|1m0s");
            }
            TestGateway.Resp refused = gw.post("/v1/chat/completions", key, CHAT);
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().path("error").path("type").asText()).isEqualTo("rate_limit_error");
            assertThat(refused.json().path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
            assertThat(refused.header("x-ratelimit-remaining-requests")).isEqualTo("0");
            assertThat(refused.header("x-ratelimit-limit-tokens")).isNull();
        }
    }

    @Test
    void theResponsesApiCountsAgainstTheSameKeyLimits() {
        try (TestGateway gw = TestGateway.start(Map.of("rate_limits.tiers.user_go.requests_per_minute", "2"))) {
            String key = gw.createUserKey("responses", "user_go");
            TestGateway.Resp plain = gw.post("/v1/responses", key, "{\"model\":\"gpt-5-mini\",\"input\":\"Hi\"}");
            assertThat(plain.status()).isEqualTo(200);
            assertThat(plain.header("x-ratelimit-limit-requests")).isEqualTo("2");
            assertThat(plain.header("x-ratelimit-remaining-requests")).isEqualTo("1");
            assertThat(gw.post("/v1/chat/completions", key, CHAT).status()).isEqualTo(200);
            TestGateway.Resp refused = gw.post("/v1/responses", key, "{\"model\":\"gpt-5-mini\",\"input\":\"Hi\",\"stream\":true}");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.json().path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(refused.header("Retry-After")).isNotNull();
        }
    }

    @Test
    void tokensPerMinuteCountThePromptPlusMaxTokens() {
        try (TestGateway gw = TestGateway.start(Map.of("rate_limits.tiers.user_go.tokens_per_minute", "100"))) {
            String key = gw.createUserKey("tpm", "user_go");
            TestGateway.Resp first = gw.post("/v1/chat/completions", key, CHAT);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header("x-ratelimit-limit-tokens")).isEqualTo("100");
            int prompt = first.json().path("usage").path("prompt_tokens").asInt();
            assertThat(first.header("x-ratelimit-remaining-tokens")).isEqualTo(String.valueOf(100 - prompt - 50));
            TestGateway.Resp second = gw.post("/v1/chat/completions", key, CHAT);
            assertThat(second.status()).isEqualTo(429);
            assertThat(second.json().path("error").path("message").asText()).contains("tokens per minute");
            assertThat(second.header("x-ratelimit-reset-tokens")).isNotNull();
        }
    }

    @Test
    void limitsCountPerKey() {
        try (TestGateway gw = TestGateway.start(Map.of("rate_limits.tiers.user_go.requests_per_minute", "1"))) {
            String first = gw.createUserKey("one", "user_go");
            String second = gw.createUserKey("two", "user_go");
            assertThat(gw.post("/v1/chat/completions", first, CHAT).status()).isEqualTo(200);
            assertThat(gw.post("/v1/chat/completions", first, CHAT).status()).isEqualTo(429);
            assertThat(gw.post("/v1/chat/completions", second, CHAT).status()).isEqualTo(200);
        }
    }

    @Test
    void aTierWithoutLimitsSendsNoRateLimitHeaders() {
        try (TestGateway gw = TestGateway.start(Map.of("rate_limits.tiers.user_go.requests_per_minute", "1"))) {
            String pro = gw.createUserKey("pro", "user_pro");
            for (int i = 0; i < 3; i++) {
                TestGateway.Resp r = gw.post("/v1/chat/completions", pro, CHAT);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("x-ratelimit-limit-requests")).isNull();
            }
        }
    }

    @Test
    void aSecondConcurrentRequestOverTheLimitIsRefusedUntilTheFirstEnds() throws Exception {
        try (TestGateway gw = TestGateway.start(Map.of("rate_limits.tiers.user_go.concurrent_requests", "1",
                "simulated.tokens_per_second", "20"))) {
            String key = gw.createUserKey("conc", "user_go");
            try (Socket first = openStream(gw, key)) {
                TestGateway.Resp second = gw.post("/v1/chat/completions", key, CHAT);
                assertThat(second.status()).isEqualTo(429);
                assertThat(second.json().path("error").path("message").asText()).contains("concurrent");
            }
            // the first stream's slot frees once the server sees its client leave
            long deadline = System.nanoTime() + 10_000_000_000L;
            int status;
            do {
                Thread.sleep(20);
                status = gw.post("/v1/chat/completions", key, "{\"model\":\"gpt-5-mini\",\"max_tokens\":1,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").status();
            } while (status == 429 && System.nanoTime() < deadline);
            assertThat(status).isEqualTo(200);
        }
    }

    /** Starts a slow stream and returns once its first event arrived (so it holds its slot). */
    private static Socket openStream(TestGateway gw, String key) throws Exception {
        Socket s = new Socket("127.0.0.1", gw.port());
        byte[] body = "{\"model\":\"gpt-5-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Talk slowly\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(body);
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("data: ")) return s;
        }
        throw new AssertionError("the stream ended before its first event");
    }
}
