package dev.tokengate.ratelimit;

import dev.tokengate.config.GatewayConfig;
import io.vertx.core.Future;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/** Rate limits for a single instance, in memory. */
public final class LocalRateLimiter implements RateLimiter {
    private static final int TIDY_ABOVE = 50_000;

    private final InstantSource clock;
    private final ConcurrentHashMap<String, SlidingMinute> scopes = new ConcurrentHashMap<>();
    /**
     * The id of every permit this limiter grants: a local window counts its requests in flight and needs no identity
     * for them (a null id marks a decision the limiter did not check).
     */
    private static final String LOCAL_PERMIT = "local";

    public LocalRateLimiter(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public Future<Decision> acquire(String scope, GatewayConfig.RateLimit limit, long tokens) {
        if (scopes.size() > TIDY_ABOVE) tidy();
        while (true) {
            SlidingMinute w = scopes.computeIfAbsent(scope, k -> new SlidingMinute());
            synchronized (w) {
                // tidy() may have dropped this window between the lookup and the lock (a flag: not a second lookup)
                if (w.dropped) continue;
                return Future.succeededFuture(w.acquire(scope, LOCAL_PERMIT, limit, tokens, clock.millis()));
            }
        }
    }

    @Override
    public void release(Permit permit, long actualTokens) {
        if (permit.id() == null) return;
        SlidingMinute w = permit.localWindow() instanceof SlidingMinute granted ? granted : scopes.get(permit.scope());
        if (w == null) return;
        synchronized (w) {
            w.release(permit, actualTokens, clock.millis());
        }
    }

    private void tidy() {
        long now = clock.millis();
        scopes.forEach((scope, w) -> {
            synchronized (w) {
                if (w.idle(now)) {
                    w.dropped = true;
                    scopes.remove(scope, w);
                }
            }
        });
    }
}
