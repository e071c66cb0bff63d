package dev.tokengate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.store.redis.RedisRateLimiter;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Lua scripts against the test Redis: the same rules as the in-process limiter. */
class RedisRateLimiterTest {
    private final Vertx vertx = Vertx.vertx();
    private final RedisRateLimiter limiter = new RedisRateLimiter(vertx,
            new GatewayConfig.Redis(SharedRateLimitTest.REDIS, SharedRateLimitTest.prefix()));

    @AfterEach
    void close() {
        limiter.close();
        vertx.close().await();
    }

    private Decision acquire(GatewayConfig.RateLimit limit, long tokens) {
        return limiter.acquire("key:k", limit, tokens).await();
    }

    @Test
    void requestsOverTheLimitAreRefusedWithoutBeingCounted() {
        GatewayConfig.RateLimit two = new GatewayConfig.RateLimit(2, 0, 0);
        assertThat(acquire(two, 1).usedRequests()).isEqualTo(1);
        assertThat(acquire(two, 1).usedRequests()).isEqualTo(2);
        Decision refused = acquire(two, 1);
        assertThat(refused.refusedBy()).isEqualTo("requests");
        assertThat(refused.usedRequests()).isEqualTo(2);
        assertThat(refused.retryAfterMs()).isBetween(1L, 60_000L);
        assertThat(refused.resetRequestsMs()).isBetween(1L, 60_000L);
    }

    @Test
    void releasedTokensAreCorrectedToTheActualUsage() {
        GatewayConfig.RateLimit tpm = new GatewayConfig.RateLimit(0, 100, 0);
        Decision first = acquire(tpm, 80);
        assertThat(acquire(tpm, 30).refusedBy()).isEqualTo("tokens");
        // a release is sent without waiting for its answer; the next script runs after it on the same connection
        limiter.release(first.permit(), 20);
        Decision second = acquire(tpm, 30);
        assertThat(second.usedTokens()).isEqualTo(50);
    }

    @Test
    void aConcurrencySlotFreesWhenItsRequestEnds() {
        GatewayConfig.RateLimit one = new GatewayConfig.RateLimit(0, 0, 1);
        Decision first = acquire(one, 1);
        assertThat(acquire(one, 1).refusedBy()).isEqualTo("concurrency");
        limiter.release(first.permit(), 1);
        assertThat(acquire(one, 1).granted()).isTrue();
    }
}
