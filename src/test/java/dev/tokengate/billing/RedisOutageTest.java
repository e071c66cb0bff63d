package dev.tokengate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.PostgresTestSchema;
import dev.tokengate.support.PrivateRedis;
import dev.tokengate.support.TestGateway;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two instances sharing PostgreSQL and a Redis of the test's own, which the test stops: the response cache is shared
 * while Redis runs; once it is gone, rate limits do what the config says, the cache is skipped, and balances (kept in
 * PostgreSQL) stay enforced and exact.
 */
class RedisOutageTest {

    private static Map<String, String> shared(PostgresTestSchema schema, PrivateRedis redis, String onFailure) {
        Map<String, String> o = new HashMap<>();
        o.put("storage.db_url", schema.jdbcUrl());
        o.put("redis.url", redis.url());
        o.put("rate_limits.on_redis_failure", onFailure);
        o.put("rate_limits.tiers.user_go.requests_per_minute", "1000");
        return o;
    }

    @Test
    void theResponseCacheIsSharedThroughRedisAndSkippedWhenRedisStops() {
        try (PostgresTestSchema schema = new PostgresTestSchema(); PrivateRedis redis = PrivateRedis.start();
             TestGateway a = Metered.start(shared(schema, redis, "open")); TestGateway b = Metered.start(shared(schema, redis, "open"))) {
            String[] user = Metered.user(a, "shared-cache");
            Metered.topUp(a, user[0], 1_000_000);
            String body = ResponseCacheBillingTest.chat("Shared across instances?", false);

            TestGateway.Resp onA = ResponseCacheBillingTest.cachedChat(a, user[1], body, "300");
            TestGateway.Resp onB = ResponseCacheBillingTest.cachedChat(b, user[1], body, "300");
            assertThat(onA.header("x-tokengate-cache")).isEqualTo("miss");
            assertThat(onB.header("x-tokengate-cache")).isEqualTo("hit");
            assertThat(onB.json().path("choices")).isEqualTo(onA.json().path("choices"));

            redis.stop();
            TestGateway.Resp without = ResponseCacheBillingTest.cachedChat(b, user[1], body, "300");
            assertThat(without.status()).as(without.body()).isEqualTo(200);
            assertThat(without.header("x-tokengate-cache")).isEqualTo("miss");
            assertThat(without.header("x-ratelimit-limit-requests")).as("failing open: no limits, no headers").isNull();

            Metered.balance(a, user[0]);
            Metered.balance(b, user[0]);
            List<JsonNode> usage = Metered.usage(a, user[0]);
            assertThat(usage).extracting(r -> r.path("cache_hit").asBoolean()).containsExactly(false, true, false);
            assertThat(Metered.balance(a, user[0]).path("balance_micros").asLong())
                    .isEqualTo(1_000_000 - Metered.sumOf(usage, "charged_micros"));
        }
    }

    @Test
    void afterRedisStopsRateLimitsFailClosedAndBalancesStayExactAcrossInstances() {
        try (PostgresTestSchema schema = new PostgresTestSchema(); PrivateRedis redis = PrivateRedis.start();
             TestGateway a = Metered.start(shared(schema, redis, "closed")); TestGateway b = Metered.start(shared(schema, redis, "closed"))) {
            String limitedKey = a.createUserKey("limited", "user_go");
            assertThat(a.post("/v1/chat/completions", limitedKey, Metered.chat(5)).header("x-ratelimit-limit-requests")).isEqualTo("1000");
            long cost = Metered.costOf(a, 5);
            String broke = a.createUserKey("broke", "user_pro");
            String[] payer = Metered.user(a, "payer", "user_pro");
            Metered.topUp(a, payer[0], 5 * cost);

            redis.stop();

            TestGateway.Resp refused = b.post("/v1/chat/completions", limitedKey, Metered.chat(5));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().path("error").path("code").asText()).isEqualTo("rate_limiter_unavailable");
            assertThat(refused.json().path("error").path("message").asText()).contains("unreachable");

            // user_pro has no rate limits, so only its balance decides, and that lives in PostgreSQL
            assertThat(a.post("/v1/chat/completions", broke, Metered.chat(5)).status()).isEqualTo(402);
            List<HttpResponse<String>> responses = Metered.concurrently(List.of(a, b), payer[1], Metered.chat(5), 20);
            assertThat(Metered.count(responses, 200)).isEqualTo(5);
            assertThat(Metered.count(responses, 402)).isEqualTo(15);
            // each instance writes its own queued settlements before it answers a balance read
            Metered.balance(a, payer[0]);
            JsonNode balance = Metered.balance(b, payer[0]);
            assertThat(balance.path("balance_micros").asLong()).isZero();
            assertThat(Metered.sumOf(Metered.usage(b, payer[0]), "charged_micros")).isEqualTo(5 * cost);
        }
    }
}
