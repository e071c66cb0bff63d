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
import io.vertx.core.internal.VertxInternal;
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
 * so N instances enforce one limit. Commands go through {@link RespClient}: pipelined on a connection of the calling
 * event loop, answered there.
 *
 * <p>On an event loop, the acquires and releases of one scope issued while the loop handles one batch of I/O events
 * are sent together as one script call when that batch is done (a task queued behind it, so microseconds later, never
 * held for a timer): releases first, then the acquires in the order they were issued. Under load that is one call for
 * many requests; alone, a request's acquire and release are still one call each. Callers off the event loops are
 * handed to a context of the limiter's own.
 *
 * <p>Concurrency slots are counted per event loop: each loop's count of the slots it holds in a scope, and the total,
 * live in the scope's hash. A loop sends the count it holds whenever it knows it exactly (no call of it that could
 * grant is unanswered), else what it frees, so a count that went wrong (a call lost with its connection, Redis
 * restarted) is set right by the loop's next call. A loop's slots are leased for {@link #LEASE_MS} from its last call,
 * so the slots of an instance that died free themselves. A permit remembers the loop that holds its slot, and is
 * released there.
 */
public final class RedisRateLimiter implements RateLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimiter.class);
    static final long LEASE_MS = 15 * 60_000L;
    private static final String SCRIPT = script("rate_limit.lua");
    private static final String SHA = sha1(SCRIPT);
    private static final String[] REFUSALS = {null, "requests", "tokens", "concurrency"};
    private static final String LEASE = Long.toString(LEASE_MS);
    /** The permit id of a request that holds no concurrency slot (non-null: it was checked). */
    private static final String NO_SLOT = "";

    private final RespClient redis;
    private final String prefix;
    /** This limiter's name in the loops' slot counts: distinct across instances and restarts. */
    private final String instance = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    /** Each scope's key, made once. */
    private final ConcurrentHashMap<String, String> keys = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Thread, Loop> loops = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Loop> loopsById = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger loopCount = new java.util.concurrent.atomic.AtomicInteger();
    private final ContextInternal offLoop;

    public RedisRateLimiter(Vertx vertx, GatewayConfig.Redis config) {
        this.redis = new RespClient(vertx, config.url(), List.of(SCRIPT));
        this.prefix = config.keyPrefix();
        this.offLoop = ((VertxInternal) vertx).createEventLoopContext();
    }

    private record Acquire(GatewayConfig.RateLimit limit, long tokens, Promise<Decision> promise) {}

    /** What one scope has to send at the end of a loop's batch of events. */
    private static final class Batch {
        final String scope;
        /** The slots released, and the token corrections summed by the second they apply to. */
        int releasedSlots;
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
            if (!p.id().isEmpty()) releasedSlots++;
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

        boolean limitsSlots() {
            return !acquires.isEmpty() && limit.concurrentRequests() > 0;
        }
    }

    /** A loop's concurrency slots in one scope. */
    private static final class Slots {
        /** Granted (answered) and not released. */
        int held;
        /** Calls with acquires not yet answered: while there are any, the loop does not know its count exactly. */
        int unanswered;
    }

    /** The calls of one event loop not yet sent, and its slots; used only on that loop. */
    private final class Loop {
        final String id;
        final ContextInternal context;
        HashMap<String, Batch> batches = new HashMap<>();
        HashMap<String, Batch> spare = new HashMap<>();
        final HashMap<String, Slots> slots = new HashMap<>();
        boolean scheduled;

        Loop(String id, ContextInternal context) {
            this.id = id;
            this.context = context;
        }

        /** The scope's batch for an acquire with {@code limit} (null for a release). */
        Batch batch(String scope, GatewayConfig.RateLimit limit) {
            Batch b = batches.get(scope);
            if (b != null && limit != null && b.limit != null && !b.limit.equals(limit)) {
                // the tier changed (a configuration reload): what came before goes now
                batches.remove(scope);
                RedisRateLimiter.this.send(this, b);
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
                    RedisRateLimiter.this.send(this, b);
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
        if (l != null) return l;
        return loops.computeIfAbsent(t, x -> {
            Loop created = new Loop(instance + "." + loopCount.getAndIncrement(), c.unwrap());
            loopsById.put(created.id, created);
            return created;
        });
    }

    @Override
    public Future<Decision> acquire(String scope, GatewayConfig.RateLimit limit, long tokens) {
        Loop l = loop();
        if (l == null) {
            Promise<Decision> p = Promise.promise();
            offLoop.runOnContext(v -> acquire(scope, limit, tokens).onComplete(p));
            return p.future();
        }
        Promise<Decision> p = ((ContextInternal) Vertx.currentContext()).promise();
        Batch b = l.batch(scope, limit);
        b.limit = limit;
        b.acquires.add(new Acquire(limit, tokens, p));
        return p.future();
    }

    @Override
    public void release(Permit permit, long actualTokens) {
        if (permit.id() == null) return;
        Loop here = loop();
        Loop owner = permit.id().isEmpty() ? here : loopsById.get(permit.id());
        if (owner == null && !permit.id().isEmpty()) {
            // a slot of a loop this limiter does not know (it cannot be freed here): only the tokens are corrected
            release(new Permit(permit.scope(), NO_SLOT, permit.second(), permit.countedTokens()), actualTokens);
            return;
        }
        if (owner != here || here == null) {
            // a slot is released on the loop that holds it; a permit without one, off the loops, on the limiter's context
            ContextInternal there = owner != null ? owner.context : offLoop;
            there.runOnContext(v -> release(permit, actualTokens));
            return;
        }
        here.batch(permit.scope(), null).release(permit, actualTokens - permit.countedTokens());
    }

    /** One script call for a scope's batch. */
    private void send(Loop loop, Batch batch) {
        String key = key(batch.scope);
        boolean limitsSlots = batch.limitsSlots();
        Slots slots = loop.slots.get(batch.scope);
        if (slots == null && (limitsSlots || batch.releasedSlots > 0)) loop.slots.put(batch.scope, slots = new Slots());
        String caller = "";
        long held = -1;
        int freed = 0;
        if (slots != null) {
            caller = loop.id;
            slots.held = Math.max(0, slots.held - batch.releasedSlots);
            if (slots.unanswered == 0) held = slots.held;
            else freed = batch.releasedSlots;
        }
        List<Acquire> acquires = batch.acquires;
        int args = 9 + 2 * batch.corrections + (acquires.isEmpty() ? 0 : 4 + acquires.size());
        ByteBuf b = Unpooled.buffer(64 + key.length() + args * 12);
        b.writeByte('*');
        RespClient.writeDecimal(b, args);
        RespClient.bulk(b, "EVALSHA");
        RespClient.bulk(b, SHA);
        RespClient.bulk(b, "1");
        RespClient.bulk(b, key);
        RespClient.bulk(b, LEASE);
        RespClient.bulk(b, caller);
        RespClient.bulk(b, held);
        RespClient.bulk(b, freed);
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
            for (Acquire a : acquires) RespClient.bulk(b, a.tokens);
        }
        Future<Object> sent = redis.send(BufferInternal.buffer(b), true);
        if (acquires.isEmpty()) {
            if (slots != null && slots.held == 0 && slots.unanswered == 0) loop.slots.remove(batch.scope);
            sent.onFailure(e -> LOG.debug("releasing rate-limit permits failed (the loop's next call sets its count right): {}",
                    e.getMessage()));
            return;
        }
        if (slots != null) slots.unanswered++;
        Slots counted = slots;
        Acquire[] waiting = acquires.toArray(new Acquire[0]);
        String holder = limitsSlots ? loop.id : NO_SLOT;
        sent.onComplete(ar -> {
            int granted = 0;
            try {
                if (ar.failed()) {
                    for (Acquire a : waiting) a.promise.tryFail(ar.cause());
                    return;
                }
                try {
                    granted = decide(batch.scope, holder, waiting, (List<?>) ar.result());
                } catch (RuntimeException e) {
                    // an answer of the wrong shape (another version's script under the same name?): fail, never hang
                    for (Acquire a : waiting) a.promise.tryFail(new IllegalStateException("unexpected rate-limit script answer", e));
                }
            } finally {
                if (counted != null) {
                    counted.unanswered--;
                    if (limitsSlots) counted.held += granted;
                    if (counted.held == 0 && counted.unanswered == 0) loop.slots.remove(batch.scope, counted);
                }
            }
        });
    }

    /**
     * The decisions from the script's answer, and how many were granted; the reset times follow the last second with
     * requests, and with tokens. When every acquire fitted, the answer has only the sums before them (six items), and
     * each acquire's counts are those sums plus the acquires up to it, as the script counted them.
     */
    private static int decide(String scope, String holder, Acquire[] acquires, List<?> r) {
        long second = (Long) r.get(0);
        long nowMs = (Long) r.get(1);
        long lastRequests = (Long) r.get(2);
        long lastTokens = (Long) r.get(3);
        boolean allFit = r.size() == 6;
        if (!allFit && r.size() != 4 + 4 * acquires.length) throw new IllegalStateException("answer of " + r.size() + " items");
        long usedRequests = allFit ? (Long) r.get(4) : 0;
        long usedTokens = allFit ? (Long) r.get(5) : 0;
        long oldest = second - 59;
        int granted = 0;
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
                granted++;
                lastRequests = second;
                if (a.tokens > 0) lastTokens = second;
            }
            long resetRequests = lastRequests >= oldest ? (lastRequests + 60) * 1000 - nowMs : 0;
            long resetTokens = lastTokens >= oldest ? (lastTokens + 60) * 1000 - nowMs : 0;
            if (a.promise.tryComplete(new Decision(refused == 0 ? new Permit(scope, holder, second, a.tokens) : null,
                    REFUSALS[refused], a.limit, usedRequests, usedTokens, resetRequests, resetTokens, retryAfter))) continue;
            // nobody will release a slot granted to a caller that is gone
            if (refused == 0) granted--;
        }
        return granted;
    }

    /** The scope's hash; the braces are a hash tag (one node of a cluster, as the earlier keys of a scope were). */
    private String key(String scope) {
        String k = keys.get(scope);
        if (k != null) return k;
        k = prefix + "rl:{" + scope + "}:s";
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
