package dev.tokengate.store.redis;

import dev.tokengate.cache.ResponseCache;
import dev.tokengate.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response cache shared by every instance that points at the same Redis: one key per entry, expiring in Redis
 * ({@code SET ... EX ttl}, atomic). While Redis is unreachable every lookup is a miss and nothing is stored, so requests
 * go upstream as if caching were off; a warning is logged at most every 10 s.
 */
public final class RedisResponseCache implements ResponseCache {
    private static final Logger LOG = LoggerFactory.getLogger(RedisResponseCache.class);
    private static final AtomicLong lastWarning = new AtomicLong();

    private final RespClient redis;
    private final String prefix;

    public RedisResponseCache(Vertx vertx, GatewayConfig.Redis config) {
        this.redis = new RespClient(vertx, config.url(), List.of());
        this.prefix = config.keyPrefix() + "rc:";
    }

    @Override
    public Future<String> get(String key) {
        return redis.send(RespClient.command("GET", prefix + key), false).<String>map(v -> (String) v).recover(e -> {
            warn(e);
            return Future.succeededFuture();
        });
    }

    @Override
    public void put(String key, String value, int ttlSeconds) {
        redis.send(RespClient.command("SET", prefix + key, value, "EX", Integer.toString(ttlSeconds)), false)
                .onFailure(RedisResponseCache::warn);
    }

    private static void warn(Throwable e) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now - last > 10_000 && lastWarning.compareAndSet(last, now)) {
            LOG.warn("response cache unreachable ({}); serving without it", e.getMessage());
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
