package dev.tokengate.store.redis;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.ratelimit.Decision;
import dev.tokengate.ratelimit.Permit;
import dev.tokengate.ratelimit.RateLimiter;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limits shared by every instance that points at the same Redis: each check-and-count is one Lua script, so N
 * instances enforce one limit. A request's concurrency slot is leased for {@link #LEASE_MS}, so slots held by an
 * instance that died free themselves.
 */
public final class RedisRateLimiter implements RateLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimiter.class);
    static final long LEASE_MS = 15 * 60_000L;
    private static final String ACQUIRE = script("rate_limit_acquire.lua");
    private static final String RELEASE = script("rate_limit_release.lua");
    private static final String ACQUIRE_SHA = sha1(ACQUIRE);
    private static final String RELEASE_SHA = sha1(RELEASE);
    private static final String[] REFUSALS = {null, "requests", "tokens", "concurrency"};

    private final Vertx vertx;
    private final RedisLink link;
    private final String prefix;
    private CompletableFuture<Void> scriptsLoaded;
    private StatefulRedisConnection<String, String> scriptsLoadedOn;

    public RedisRateLimiter(Vertx vertx, GatewayConfig.Redis config) {
        this.vertx = vertx;
        this.link = new RedisLink(config.url());
        this.prefix = config.keyPrefix();
    }

    @Override
    public Future<Decision> acquire(String scope, GatewayConfig.RateLimit limit, long tokens) {
        String permitId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        String[] keys = {key(scope, "r"), key(scope, "t"), key(scope, "c")};
        CompletionStage<List<Object>> run = eval(ACQUIRE, ACQUIRE_SHA, keys, Long.toString(limit.requestsPerMinute()),
                Long.toString(limit.tokensPerMinute()), Long.toString(limit.concurrentRequests()), Long.toString(tokens),
                permitId, Long.toString(LEASE_MS));
        return Future.fromCompletionStage(run, vertx.getOrCreateContext()).map(r -> {
            int refused = (int) (long) (Long) r.get(0);
            long second = (Long) r.get(6);
            return new Decision(refused == 0 ? new Permit(scope, permitId, second, tokens) : null, REFUSALS[refused], limit,
                    (Long) r.get(1), (Long) r.get(2), (Long) r.get(3), (Long) r.get(4), (Long) r.get(5));
        });
    }

    @Override
    public void release(Permit permit, long actualTokens) {
        if (permit.id() == null) return;
        eval(RELEASE, RELEASE_SHA, new String[]{key(permit.scope(), "t"), key(permit.scope(), "c")}, permit.id(),
                Long.toString(permit.second()), Long.toString(actualTokens - permit.countedTokens()))
                .exceptionally(e -> {
                    LOG.debug("releasing a rate-limit permit failed (its slot expires with its lease): {}", e.getMessage());
                    return null;
                });
    }

    /** Keys of one scope share a hash tag, so they live on one node of a Redis cluster. */
    private String key(String scope, String kind) {
        return prefix + "rl:{" + scope + "}:" + kind;
    }

    /**
     * The connection, with both scripts loaded into Redis first, so that EVALSHA does not miss: the NOSCRIPT fallback
     * would send a script after commands issued later (a release could then land after the next acquire).
     */
    private CompletionStage<StatefulRedisConnection<String, String>> ready() {
        return link.connection().thenCompose(c -> {
            CompletableFuture<Void> loaded;
            synchronized (this) {
                if (scriptsLoaded == null || scriptsLoadedOn != c) {
                    scriptsLoadedOn = c;
                    scriptsLoaded = c.async().scriptLoad(ACQUIRE).thenCompose(x -> c.async().scriptLoad(RELEASE))
                            .<Void>thenApply(x -> null).toCompletableFuture();
                    CompletableFuture<Void> mine = scriptsLoaded;
                    mine.exceptionally(e -> {
                        synchronized (this) {
                            if (scriptsLoaded == mine) scriptsLoaded = null;
                        }
                        return null;
                    });
                }
                loaded = scriptsLoaded;
            }
            return loaded.thenApply(x -> c);
        });
    }

    private CompletionStage<List<Object>> eval(String script, String sha, String[] keys, String... args) {
        return ready().thenCompose(c -> evalsha(c, sha, keys, args).exceptionallyCompose(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null ? ce.getCause() : e;
            if (cause instanceof RedisNoScriptException) return c.async().<List<Object>>eval(script, ScriptOutputType.MULTI, keys, args);
            return CompletableFuture.failedFuture(cause);
        }));
    }

    private static CompletionStage<List<Object>> evalsha(StatefulRedisConnection<String, String> c, String sha, String[] keys,
                                                         String[] args) {
        return c.async().evalsha(sha, ScriptOutputType.MULTI, keys, args);
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
        link.close();
    }
}
