package dev.tokengate.ratelimit;

import dev.tokengate.config.GatewayConfig;
import io.vertx.core.Future;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Rate limits for a single instance, in memory. */
public final class LocalRateLimiter implements RateLimiter {
    private static final int TIDY_ABOVE = 50_000;

    private final InstantSource clock;
    private final ConcurrentHashMap<String, SlidingMinute> scopes = new ConcurrentHashMap<>();
    private final AtomicLong permits = new AtomicLong();

    public LocalRateLimiter(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public Future<Decision> acquire(String scope, GatewayConfig.RateLimit limit, long tokens) {
        if (scopes.size() > TIDY_ABOVE) tidy();
        while (true) {
            SlidingMinute w = scopes.computeIfAbsent(scope, k -> new SlidingMinute());
            synchronized (w) {
                // tidy() may have dropped this window between the lookup and the lock
                if (scopes.get(scope) != w) continue;
                return Future.succeededFuture(w.acquire(scope, Long.toString(permits.incrementAndGet()), limit, tokens, clock.millis()));
            }
        }
    }

    @Override
    public void release(Permit permit, long actualTokens) {
        if (permit.id() == null) return;
        SlidingMinute w = scopes.get(permit.scope());
        if (w == null) return;
        synchronized (w) {
            w.release(permit, actualTokens, clock.millis());
        }
    }

    private void tidy() {
        long now = clock.millis();
        scopes.forEach((scope, w) -> {
            synchronized (w) {
                if (w.idle(now)) scopes.remove(scope, w);
            }
        });
    }
}
