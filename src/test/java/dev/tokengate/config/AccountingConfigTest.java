package dev.tokengate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AccountingConfigTest {
    private static GatewayConfig load(Map<String, String> overrides) {
        return ConfigLoader.load(null, Map.of(), overrides);
    }

    @Test
    void defaultsBillNewUsersFromZeroWithoutLimitsOrRedis() {
        GatewayConfig c = load(Map.of());
        assertThat(c.billing().enabled()).isTrue();
        assertThat(c.billing().newUserCreditMicros()).isZero();
        assertThat(c.billing().outputCap("gpt-5")).isEqualTo(16384);
        assertThat(c.rateLimits().forTier("user_free").none()).isTrue();
        assertThat(c.rateLimits().failOpen()).isTrue();
        assertThat(c.redis().configured()).isFalse();
    }

    @Test
    void tierLimitsAndRedisComeFromConfigAndTheEnvironment() {
        GatewayConfig c = ConfigLoader.load(null, Map.of("TOKENGATE_REDIS_URL", "redis://:secret@cache:6379/2"),
                Map.of("rate_limits.tiers.user_free.requests_per_minute", "60", "rate_limits.on_redis_failure", "closed"));
        assertThat(c.rateLimits().forTier("user_free")).isEqualTo(new GatewayConfig.RateLimit(60, 0, 0));
        assertThat(c.rateLimits().failOpen()).isFalse();
        assertThat(c.redis().url()).isEqualTo("redis://:secret@cache:6379/2");
        assertThat(c.redis().toString()).doesNotContain("secret");
    }

    @Test
    void mistakesNameTheField() {
        assertThatThrownBy(() -> load(Map.of("rate_limits.tiers.user_gold.requests_per_minute", "5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("rate_limits.tiers.user_gold");
        assertThatThrownBy(() -> load(Map.of("rate_limits.on_redis_failure", "maybe")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("rate_limits.on_redis_failure");
        assertThatThrownBy(() -> load(Map.of("redis.url", "http://cache:6379")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("redis.url");
        assertThatThrownBy(() -> load(Map.of("billing.new_user_credit_usd", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("billing.new_user_credit_usd");
        assertThatThrownBy(() -> load(Map.of("billing.max_output_tokens", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("billing.max_output_tokens");
        assertThatThrownBy(() -> load(Map.of("billing.cache_hit_percent", "101")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("billing.cache_hit_percent");
    }

    @Test
    void imageModelsArePricedPerImageAndCacheHitsAreFreeByDefault() {
        GatewayConfig c = load(Map.of());
        GatewayConfig.Model dalle = c.models().stream().filter(m -> m.name().equals("dall-e-3")).findFirst().orElseThrow();
        assertThat(dalle.deployments().get(0).price().imagesMicros(2)).isEqualTo(80_000);
        assertThat(c.billing().cacheHitMicros(1_000)).isZero();
        assertThat(load(Map.of("billing.cache_hit_percent", "25")).billing().cacheHitMicros(1_001)).isEqualTo(251);
    }
}
