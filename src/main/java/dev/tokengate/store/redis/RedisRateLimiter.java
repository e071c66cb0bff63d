package dev.tokengate.store.redis;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.ratelimit.Decision;
import dev.tokengate.ratelimit.Permit;
import dev.tokengate.ratelimit.RateLimiter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limits shared by every instance that points at the same Redis: each check-and-count is done by one Lua script,
 * so N instances enforce one limit. A request's concurrency slot is leased for {@link #LEASE_MS}, so slots held by an
 * instance that died free themselves. Commands go through {@link RespClient}: pipelined on a connection of the calling
 * event loop, answered there.
 *
 * <p>On an event loop, the acquires and releases of one scope issued while the loop handles one batch of I/O events
 * are sent together as one script call when that batch is done (a task queued behind it, so microseconds later, never
 * held for a timer): releases first, then the acquires in the order they were issued. Under load that is one call for
 * many requests; alone, a request's acquire and release are still one call each. Off the event loops every call is
 * sent at once.
 */
public final class RedisRateLimiter implements RateLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimiter.class);
    static final long LEASE_MS = 15 * 60_000L;
    private static final String SCRIPT = script("rate_limit.lua");
    private static final String SHA = sha1(SCRIPT);
    private static final String[] REFUSALS = {null, "requests", "tokens", "concurrency"};
    private static final String LEASE = Long.toString(LEASE_MS);

    private final RespClient redis;
    private final String prefix;
    /** Each scope's two keys, made once. */
    private final ConcurrentHashMap<String, String[]> keys = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Thread, Loop> loops = new ConcurrentHashMap<>();

    public RedisRateLimiter(Vertx vertx, GatewayConfig.Redis config) {
        this.redis = new RespClient(vertx, config.url(), List.of(SCRIPT));
        this.prefix = config.keyPrefix();
    }

    private record Acquire(GatewayConfig.RateLimit limit, long tokens, String permitId, Promise<Decision> promise) {}

    /** What one scope has to send at the end of a loop's batch of events. */
    private static final class Batch {
        final String scope;
        /** The permits released, and their token corrections summed by the second they apply to. */
        final ArrayList<String> released = new ArrayList<>(2);
        long[] seconds = new long[2];
        long[] deltas = new long[2];
        int corrections;
        /** The limits of the acquires (one scope has one tier; a different one starts a new batch). */
        GatewayConfig.RateLimit limit;
        final ArrayList<Acquire> acquires = new ArrayList<>(2);

        Batch(String scope) {
            this.scope = scope;
        }

        void release(Permit p, long delta) {
            released.add(p.id());
            if (delta == 0) return;
            for (int i = 0; i < corrections; i++) {
                if (seconds[i] == p.second()) {
                    deltas[i] += delta;
                    return;
                }
            }
            if (corrections == seconds.length) {
                seconds = java.util.Arrays.copyOf(seconds, corrections * 2);
                deltas = java.util.Arrays.copyOf(deltas, corrections * 2);
            }
            seconds[corrections] = p.second();
            deltas[corrections++] = delta;
        }
    }

    /** The calls of one event loop not yet sent; used only on that loop. */
    private final class Loop {
        final ContextInternal context;
        HashMap<String, Batch> batches = new HashMap<>();
        HashMap<String, Batch> spare = new HashMap<>();
        boolean scheduled;

        Loop(ContextInternal context) {
            this.context = context;
        }

        /** The scope's batch for an acquire with {@code limit} (null for a release). */
        Batch batch(String scope, GatewayConfig.RateLimit limit) {
            Batch b = batches.get(scope);
            if (b != null && limit != null && b.limit != null && !b.limit.equals(limit)) {
                // the tier changed (a configuration reload): what came before goes now
                batches.remove(scope);
                RedisRateLimiter.this.send(b);
                b = null;
            }
            if (b == null) {
                b = new Batch(scope);
                batches.put(scope, b);
                if (!scheduled) {
                    scheduled = true;
                    context.runOnContext(v -> send());
                }
            }
            return b;
        }

        void send() {
            scheduled = false;
            HashMap<String, Batch> now = batches;
            batches = spare;
            spare = now;
            for (Batch b : now.values()) {
                try {
                    RedisRateLimiter.this.send(b);
                } catch (RuntimeException e) {
                    // never leave a request waiting for an answer that cannot come
                    for (Acquire a : b.acquires) a.promise.tryFail(e);
                }
            }
            now.clear();
        }
    }

    /** The calling event loop's batches, or null off the event loops. */
    private Loop loop() {
        if (!Context.isOnEventLoopThread() || !(Vertx.currentContext() instanceof ContextInternal c)) return null;
        Thread t = Thread.currentThread();
        Loop l = loops.get(t);
        return l != null ? l : loops.computeIfAbsent(t, x -> new Loop(c.unwrap()));
    }

    @Override
    public Future<Decision> acquire(String scope, GatewayConfig.RateLimit limit, long tokens) {
        String permitId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        Loop l = loop();
        Promise<Decision> p = l == null ? Promise.promise() : ((ContextInternal) Vertx.currentContext()).promise();
        Acquire a = new Acquire(limit, tokens, permitId, p);
        Batch b = l != null ? l.batch(scope, limit) : new Batch(scope);
        b.limit = limit;
        b.acquires.add(a);
        if (l == null) send(b);
        return p.future();
    }

    @Override
    public void release(Permit permit, long actualTokens) {
        if (permit.id() == null) return;
        Loop l = loop();
        Batch b = l != null ? l.batch(permit.scope(), null) : new Batch(permit.scope());
        b.release(permit, actualTokens - permit.countedTokens());
        if (l == null) send(b);
    }

    /** One script call for a scope's batch. */
    private void send(Batch batch) {
        String[] k = keys(batch.scope);
        int released = batch.released.size();
        List<Acquire> acquires = batch.acquires;
        int args = 8 + released + 2 * batch.corrections + (acquires.isEmpty() ? 0 : 4 + 2 * acquires.size());
        ByteBuf b = Unpooled.buffer(64 + 2 * k[0].length() + args * 16);
        b.writeByte('*');
        RespClient.writeDecimal(b, args);
        RespClient.bulk(b, "EVALSHA");
        RespClient.bulk(b, SHA);
        RespClient.bulk(b, "2");
        RespClient.bulk(b, k[0]);
        RespClient.bulk(b, k[1]);
        RespClient.bulk(b, LEASE);
        RespClient.bulk(b, released);
        for (int i = 0; i < released; i++) RespClient.bulk(b, batch.released.get(i));
        RespClient.bulk(b, batch.corrections);
        for (int i = 0; i < batch.corrections; i++) {
            RespClient.bulk(b, batch.seconds[i]);
            RespClient.bulk(b, batch.deltas[i]);
        }
        if (!acquires.isEmpty()) {
            RespClient.bulk(b, batch.limit.requestsPerMinute());
            RespClient.bulk(b, batch.limit.tokensPerMinute());
            RespClient.bulk(b, batch.limit.concurrentRequests());
            long total = 0;
            for (Acquire a : acquires) total += a.tokens;
            RespClient.bulk(b, total);
            for (Acquire a : acquires) {
                RespClient.bulk(b, a.tokens);
                RespClient.bulk(b, a.permitId);
            }
        }
        Future<Object> sent = redis.send(BufferInternal.buffer(b), true);
        if (acquires.isEmpty()) {
            sent.onFailure(e -> LOG.debug("releasing rate-limit permits failed (their slots expire with their leases): {}",
                    e.getMessage()));
            return;
        }
        Acquire[] waiting = acquires.toArray(new Acquire[0]);
        sent.onComplete(ar -> {
            if (ar.failed()) {
                for (Acquire a : waiting) a.promise.tryFail(ar.cause());
                return;
            }
            try {
                decide(batch.scope, waiting, (List<?>) ar.result());
            } catch (RuntimeException e) {
                // an answer of the wrong shape (another version's script under the same name?): fail, never hang
                for (Acquire a : waiting) a.promise.tryFail(new IllegalStateException("unexpected rate-limit script answer", e));
            }
        });
    }

    /**
     * The decisions from the script's answer; the reset times follow the last second with requests, and with tokens.
     * When every acquire fitted, the answer has only the sums before them (six items), and each acquire's counts are
     * those sums plus the acquires up to it, as the script counted them.
     */
    private static void decide(String scope, Acquire[] acquires, List<?> r) {
        long second = (Long) r.get(0);
        long nowMs = (Long) r.get(1);
        long lastRequests = (Long) r.get(2);
        long lastTokens = (Long) r.get(3);
        boolean allFit = r.size() == 6;
        long usedRequests = allFit ? (Long) r.get(4) : 0;
        long usedTokens = allFit ? (Long) r.get(5) : 0;
        long oldest = second - 59;
        for (int i = 0; i < acquires.length; i++) {
            Acquire a = acquires[i];
            int at = 4 + 4 * i;
            int refused = 0;
            long retryAfter = 0;
            if (allFit) {
                usedRequests++;
                usedTokens += a.tokens;
            } else {
                refused = (int) (long) (Long) r.get(at);
                usedRequests = (Long) r.get(at + 1);
                usedTokens = (Long) r.get(at + 2);
                retryAfter = (Long) r.get(at + 3);
            }
            if (refused == 0) {
                lastRequests = second;
                if (a.tokens > 0) lastTokens = second;
            }
            long resetRequests = lastRequests >= oldest ? (lastRequests + 60) * 1000 - nowMs : 0;
            long resetTokens = lastTokens >= oldest ? (lastTokens + 60) * 1000 - nowMs : 0;
            a.promise.tryComplete(new Decision(refused == 0 ? new Permit(scope, a.permitId, second, a.tokens) : null,
                    REFUSALS[refused], a.limit, usedRequests, usedTokens, resetRequests, resetTokens, retryAfter));
        }
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
