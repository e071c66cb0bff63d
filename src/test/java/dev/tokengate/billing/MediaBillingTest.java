package dev.tokengate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /v1/embeddings and /v1/images/generations are admitted, charged and recorded like chat. */
class MediaBillingTest {
    private static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = Metered.start(Map.of("rate_limits.tiers.user_pro.requests_per_minute", "1"));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void embeddingsWithoutBalanceAre402AndReachNoModel() {
        String[] user = Metered.user(gw, "broke-embedder");
        TestGateway.Resp r = gw.post("/v1/embeddings", user[1], Metered.embedding("prepaid balances"));
        assertThat(r.status()).as(r.body()).isEqualTo(402);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("insufficient_balance");
        assertThat(Metered.usage(gw, user[0])).isEmpty();
    }

    @Test
    void embeddingsAreChargedTheirInputTokensAndRecordedInTheLedger() {
        String[] user = Metered.user(gw, "embedder");
        Metered.topUp(gw, user[0], 1_000);
        TestGateway.Resp r = gw.post("/v1/embeddings", user[1], Metered.embedding("The ledger adds up to the balance change"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        long tokens = r.json().path("usage").path("prompt_tokens").asLong();
        assertThat(tokens).isPositive();

        List<JsonNode> usage = Metered.usage(gw, user[0]);
        assertThat(usage).hasSize(1);
        JsonNode record = usage.get(0);
        assertThat(record.path("model").asText()).isEqualTo(Metered.EMBEDDING_MODEL);
        assertThat(record.path("deployment").asText()).startsWith(Metered.EMBEDDING_MODEL + "#0");
        assertThat(record.path("prompt_tokens").asLong()).isEqualTo(tokens);
        assertThat(record.path("completion_tokens").asLong()).isZero();
        assertThat(record.path("charged_micros").asLong()).isEqualTo(tokens);
        assertThat(record.path("status").asInt()).isEqualTo(200);
        assertThat(record.path("cache_hit").asBoolean()).isFalse();
        JsonNode balance = Metered.balance(gw, user[0]);
        assertThat(balance.path("balance_micros").asLong()).isEqualTo(1_000 - tokens);
        assertThat(balance.path("reserved_micros").asLong()).isZero();
    }

    @Test
    void imagesNeedTheirPerImagePriceForEveryImageAsked() {
        String[] user = Metered.user(gw, "painter");
        Metered.topUp(gw, user[0], Metered.IMAGE_MICROS + 100);

        TestGateway.Resp two = gw.post("/v1/images/generations", user[1], Metered.image(2));
        assertThat(two.status()).as(two.body()).isEqualTo(402);
        assertThat(two.json().path("error").path("code").asText()).isEqualTo("insufficient_balance");

        TestGateway.Resp one = gw.post("/v1/images/generations", user[1], Metered.image(1));
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        assertThat(one.json().path("data")).hasSize(1);

        List<JsonNode> usage = Metered.usage(gw, user[0]);
        assertThat(usage).hasSize(1);
        assertThat(usage.get(0).path("model").asText()).isEqualTo(Metered.IMAGE_MODEL);
        assertThat(usage.get(0).path("cost_micros").asLong()).isEqualTo(Metered.IMAGE_MICROS);
        assertThat(usage.get(0).path("charged_micros").asLong()).isEqualTo(Metered.IMAGE_MICROS);
        assertThat(Metered.balance(gw, user[0]).path("balance_micros").asLong()).isEqualTo(100);
    }

    @Test
    void embeddingsCountAgainstTheKeysRequestLimit() {
        String key = gw.createUserKey("limited-embedder", "user_pro");
        String[] user = userOf(key);
        Metered.topUp(gw, user[0], 1_000_000);
        TestGateway.Resp first = gw.post("/v1/embeddings", key, Metered.embedding("one"));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.header("x-ratelimit-limit-requests")).isEqualTo("1");

        TestGateway.Resp second = gw.post("/v1/embeddings", key, Metered.embedding("two"));
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.json().path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(second.header("Retry-After")).isNotNull();
        assertThat(second.header("x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(Metered.usage(gw, user[0])).hasSize(1);
    }

    @Test
    void imagesCountAgainstTheKeysRequestLimit() {
        String key = gw.createUserKey("limited-painter", "user_pro");
        String[] user = userOf(key);
        Metered.topUp(gw, user[0], 10_000_000);
        assertThat(gw.post("/v1/images/generations", key, Metered.image(1)).status()).isEqualTo(200);

        TestGateway.Resp second = gw.post("/v1/images/generations", key, Metered.image(1));
        assertThat(second.status()).isEqualTo(429);
        assertThat(second.json().path("error").path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(second.header("Retry-After")).isNotNull();
        assertThat(Metered.usage(gw, user[0])).hasSize(1);
        assertThat(Metered.balance(gw, user[0]).path("balance_micros").asLong()).isEqualTo(10_000_000 - Metered.IMAGE_MICROS);
    }

    @Test
    void theAdminKeyIsNeverRefusedButItsMediaUsageIsRecorded() {
        TestGateway.Resp r = gw.post("/v1/images/generations", TestGateway.ADMIN_KEY, Metered.image(3));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode last = gw.get("/v1/usage?model=" + Metered.IMAGE_MODEL, TestGateway.ADMIN_KEY).json().path("data").get(0);
        assertThat(last.path("cost_micros").asLong()).isEqualTo(3 * Metered.IMAGE_MICROS);
        assertThat(last.path("charged_micros").asLong()).isZero();
    }

    /** {id, key} of the user a key belongs to. */
    private static String[] userOf(String key) {
        JsonNode balance = gw.get("/v1/balance", key).json();
        return new String[]{balance.path("user_id").asText(), key};
    }
}
