package dev.tokengate.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.ratelimit.Decision;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Concurrency slots counted per event loop in Redis: shared by instances, set right after a loss, freed after a death. */
class RedisConcurrencySlotsTest {
    private static final String REDIS = "redis://127.0.0.1:6379/0";
    private static final GatewayConfig.RateLimit ONE = new GatewayConfig.RateLimit(0, 0, 1);
    private static final GatewayConfig.RateLimit TWO = new GatewayConfig.RateLimit(0, 0, 2);
    private final String prefix = "tgtest:slots:" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + ":";
    private final String key = prefix + "rl:{key:k}:s";
    private final Vertx vertx = Vertx.vertx();
    private final Vertx other = Vertx.vertx();
    private final RespClient redis = new RespClient(vertx, REDIS, List.of());

    @AfterEach
    void close() {
        redis.send(RespClient.command("DEL", key), false).await();
        redis.close();
        other.close().await();
        vertx.close().await();
    }

    private RedisRateLimiter limiter(Vertx on) {
        return new RedisRateLimiter(on, new GatewayConfig.Redis(REDIS, prefix));
    }

    /** Runs {@code work} on an event loop of {@code on} and waits for the future it returns. */
    private static <T> T onLoop(Vertx on, Supplier<Future<T>> work) {
        Promise<T> p = Promise.promise();
        on.getOrCreateContext().runOnContext(v -> work.get().onComplete(p));
        return p.future().await();
    }

    @Test
    void aSlotIsFreedWhicheverThreadReleasesIt() {
        try (RedisRateLimiter limiter = limiter(vertx)) {
            Decision held = onLoop(vertx, () -> limiter.acquire("key:k", ONE, 0));
            assertThat(onLoop(vertx, () -> limiter.acquire("key:k", ONE, 0)).refusedBy()).isEqualTo("concurrency");
            // released from another Vert.x instance's loop: the slot goes back on the loop that holds it
            onLoop(other, () -> {
                limiter.release(held.permit(), 0);
                return Future.succeededFuture();
            });
            assertThat(onLoop(vertx, () -> limiter.acquire("key:k", ONE, 0)).granted()).isTrue();
        }
    }

    @Test
    void aLoopSetsItsSlotCountRightWhenRedisHasForgottenIt() {
        try (RedisRateLimiter a = limiter(vertx); RedisRateLimiter b = limiter(other)) {
            assertThat(onLoop(vertx, () -> a.acquire("key:k", TWO, 0)).granted()).isTrue();
            // Redis loses the scope (restarted without its data): the next call of the loop counts its slot again
            redis.send(RespClient.command("DEL", key), false).await();
            assertThat(onLoop(vertx, () -> a.acquire("key:k", TWO, 0)).granted()).isTrue();
            assertThat(onLoop(other, () -> b.acquire("key:k", TWO, 0)).refusedBy()).isEqualTo("concurrency");
        }
    }

    @Test
    void theSlotsOfAnInstanceThatDiedFreeThemselvesWhenItsLeaseHasEnded() {
        RedisRateLimiter dead = limiter(vertx);
        assertThat(onLoop(vertx, () -> dead.acquire("key:k", ONE, 0)).granted()).isTrue();
        dead.close(); // never released
        try (RedisRateLimiter alive = limiter(other)) {
            assertThat(onLoop(other, () -> alive.acquire("key:k", ONE, 0)).refusedBy()).isEqualTo("concurrency");
            // the dead loop's lease ends (as it would 15 minutes after its last call)
            List<?> fields = (List<?>) redis.send(RespClient.command("HKEYS", key), false).await();
            for (Object f : fields) {
                String field = (String) f;
                if (field.startsWith("e")) redis.send(RespClient.command("HSET", key, field, "1"), false).await();
            }
            assertThat(onLoop(other, () -> alive.acquire("key:k", ONE, 0)).granted()).isTrue();
            assertThat(onLoop(other, () -> alive.acquire("key:k", ONE, 0)).refusedBy()).isEqualTo("concurrency");
        }
    }
}
