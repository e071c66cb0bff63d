package dev.tokengate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestGateway;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Redis configured but nothing listening: rate limits do what the config says, balances stay exact. */
class RedisUnreachableTest {
    private static final String CHAT = "{\"model\":\"gpt-5-mini\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** A port that was free a moment ago and has nobody listening. */
    private static String closedRedis() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "redis://127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    void failingOpenLetsRequestsThroughWithoutLimitHeaders() throws IOException {
        try (TestGateway gw = TestGateway.start(Map.of("redis.url", closedRedis(), "rate_limits.on_redis_failure", "open",
                "rate_limits.tiers.user_go.requests_per_minute", "1"))) {
            String key = gw.createUserKey("open", "user_go");
            for (int i = 0; i < 3; i++) {
                TestGateway.Resp r = gw.post("/v1/chat/completions", key, CHAT);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("x-ratelimit-limit-requests")).isNull();
            }
        }
    }

    @Test
    void failingClosedAnswers503WithAClearMessage() throws IOException {
        try (TestGateway gw = TestGateway.start(Map.of("redis.url", closedRedis(), "rate_limits.on_redis_failure", "closed",
                "rate_limits.tiers.user_go.requests_per_minute", "100"))) {
            String key = gw.createUserKey("closed", "user_go");
            TestGateway.Resp r = gw.post("/v1/chat/completions", key, CHAT);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().path("error").path("code").asText()).isEqualTo("rate_limiter_unavailable");
            assertThat(r.json().path("error").path("message").asText()).contains("unreachable");
            assertThat(r.header("Retry-After")).isEqualTo("1");
        }
    }

    @Test
    void balancesStayEnforcedWhileRedisIsDown() throws IOException {
        try (TestGateway gw = TestGateway.start(Map.of("redis.url", closedRedis(), "rate_limits.on_redis_failure", "open",
                "rate_limits.tiers.user_go.requests_per_minute", "100", "billing.new_user_credit_usd", "0"))) {
            String key = gw.createUserKey("broke", "user_go");
            assertThat(gw.post("/v1/chat/completions", key, CHAT).status()).isEqualTo(402);
        }
    }
}
