package dev.tokengate.accounts;

import dev.tokengate.core.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves a presented key to a principal. Keys are looked up by their SHA-256 and the stored hash is compared in
 * constant time. Results are cached for a short time so the hot path does not touch storage; a revocation on this
 * instance takes effect at once, on other instances within {@link #CACHE_TTL}.
 */
public final class Authenticator {
    public static final Duration CACHE_TTL = Duration.ofSeconds(10);
    private static final int MAX_CACHE = 100_000;

    private record Entry(Principal principal, long expiresAtMillis) {}

    private final Vertx vertx;
    private final AccountStore store;
    private final InstantSource clock;
    private final byte[] adminKeyHash;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    public Authenticator(Vertx vertx, AccountStore store, InstantSource clock, String adminKey) {
        this.vertx = vertx;
        this.store = store;
        this.clock = clock;
        this.adminKeyHash = Secrets.sha256(adminKey);
    }

    public Future<Principal> authenticate(String presented) {
        if (presented == null || presented.isBlank()) {
            return Future.failedFuture(ApiException.unauthorized(
                    "You didn't provide an API key. Send it as 'Authorization: Bearer KEY' or 'x-api-key: KEY'."));
        }
        byte[] digest = Secrets.sha256(presented);
        if (java.security.MessageDigest.isEqual(digest, adminKeyHash)) return Future.succeededFuture(new Principal.Admin());
        String hash = java.util.HexFormat.of().formatHex(digest);
        long now = clock.millis();
        Entry e = cache.get(hash);
        if (e != null && e.expiresAtMillis() > now) {
            return e.principal() == null ? Future.failedFuture(invalidKey()) : Future.succeededFuture(e.principal());
        }
        return vertx.executeBlocking(() -> lookup(hash), false).compose(p -> {
            if (cache.size() > MAX_CACHE) cache.clear();
            cache.put(hash, new Entry(p, clock.millis() + CACHE_TTL.toMillis()));
            return p == null ? Future.failedFuture(invalidKey()) : Future.succeededFuture(p);
        });
    }

    private Principal lookup(String hash) {
        var key = store.findKeyByHash(hash);
        if (key.isEmpty() || !key.get().active() || !Secrets.constantTimeEquals(key.get().hash(), hash)) return null;
        return store.findUser(key.get().userId()).<Principal>map(u -> new Principal.Member(u, key.get())).orElse(null);
    }

    /** Drops cached results for a key, so a revocation takes effect on this instance at once. */
    public void forget(String keyHash) {
        cache.remove(keyHash);
    }

    private static ApiException invalidKey() {
        return ApiException.unauthorized("Incorrect API key provided.");
    }
}
