package dev.tokengate.store.redis;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.ratelimit.Decision;
import dev.tokengate.ratelimit.Permit;
import dev.tokengate.ratelimit.RateLimiter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limits shared by every instance that points at the same Redis: each check-and-count is one Lua script, so N
 * instances enforce one limit. A request's concurrency slot is leased for {@link #LEASE_MS}, so slots held by an
 * instance that died free themselves. Commands go through {@link RespClient}: pipelined on a connection of the calling
 * event loop, answered there.
 */
public final class RedisRateLimiter implements RateLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimiter.class);
    static final long LEASE_MS = 15 * 60_000L;
    private static final String ACQUIRE = script("rate_limit_acquire.lua");
    private static final String RELEASE = script("rate_limit_release.lua");
    private static final String ACQUIRE_SHA = sha1(ACQUIRE);
    private static final String RELEASE_SHA = sha1(RELEASE);
    private static final String[] REFUSALS = {null, "requests", "tokens", "concurrency"};
    private static final String LEASE = Long.toString(LEASE_MS);

    private final RespClient redis;
    private final String prefix;
    /** Each scope's two keys, made once. */
    private final ConcurrentHashMap<String, String[]> keys = new ConcurrentHashMap<>();

    public RedisRateLimiter(Vertx vertx, GatewayConfig.Redis config) {
        this.redis = new RespClient(vertx, config.url(), List.of(ACQUIRE, RELEASE));
        this.prefix = config.keyPrefix();
    }

    @Override
    public Future<Decision> acquire(String scope, GatewayConfig.RateLimit limit, long tokens) {
        String permitId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        String[] k = keys(scope);
        ByteBuf b = Unpooled.buffer(160 + 2 * k[0].length());
        evalsha(b, ACQUIRE_SHA, 6, k);
        RespClient.bulk(b, limit.requestsPerMinute());
        RespClient.bulk(b, limit.tokensPerMinute());
        RespClient.bulk(b, limit.concurrentRequests());
        RespClient.bulk(b, tokens);
        RespClient.bulk(b, permitId);
        RespClient.bulk(b, LEASE);
        return redis.send(BufferInternal.buffer(b), true).map(reply -> {
            List<?> r = (List<?>) reply;
            int refused = (int) (long) (Long) r.get(0);
            long second = (Long) r.get(6);
            return new Decision(refused == 0 ? new Permit(scope, permitId, second, tokens) : null, REFUSALS[refused], limit,
                    (Long) r.get(1), (Long) r.get(2), (Long) r.get(3), (Long) r.get(4), (Long) r.get(5));
        });
    }

    @Override
    public void release(Permit permit, long actualTokens) {
        if (permit.id() == null) return;
        ByteBuf b = Unpooled.buffer(160);
        evalsha(b, RELEASE_SHA, 3, keys(permit.scope()));
        RespClient.bulk(b, permit.id());
        RespClient.bulk(b, permit.second());
        RespClient.bulk(b, actualTokens - permit.countedTokens());
        Buffer command = BufferInternal.buffer(b);
        redis.send(command, true).onFailure(e ->
                LOG.debug("releasing a rate-limit permit failed (its slot expires with its lease): {}", e.getMessage()));
    }

    /** EVALSHA sha 2 window in-flight, leaving the script's {@code argc} arguments to the caller. */
    private static void evalsha(ByteBuf b, String sha, int argc, String[] k) {
        b.writeByte('*');
        RespClient.writeDecimal(b, 5 + argc);
        RespClient.bulk(b, "EVALSHA");
        RespClient.bulk(b, sha);
        RespClient.bulk(b, "2");
        RespClient.bulk(b, k[0]);
        RespClient.bulk(b, k[1]);
    }

    /** Keys of one scope share a hash tag, so they live on one node of a Redis cluster. */
    private String[] keys(String scope) {
        String[] k = keys.get(scope);
        if (k != null) return k;
        k = new String[]{prefix + "rl:{" + scope + "}:w", prefix + "rl:{" + scope + "}:c"};
        if (keys.size() < 100_000) keys.put(scope, k);
        return k;
    }

    private static String script(String name) {
        try (InputStream in = RedisRateLimiter.class.getResourceAsStream("/redis/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
