package dev.tokengate.cache;

import io.vertx.core.Future;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The response cache of a single instance: entries expire lazily and the number of entries is capped. */
public final class LocalResponseCache implements ResponseCache {
    private record Entry(String value, long expiresAtMillis) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final int maxEntries;

    public LocalResponseCache(InstantSource clock, int maxEntries) {
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    @Override
    public Future<String> get(String key) {
        Entry e = entries.get(key);
        if (e == null) return Future.succeededFuture();
        if (e.expiresAtMillis() <= clock.millis()) {
            entries.remove(key, e);
            return Future.succeededFuture();
        }
        return Future.succeededFuture(e.value());
    }

    @Override
    public void put(String key, String value, int ttlSeconds) {
        if (entries.size() >= maxEntries) evictExpiredOrOldest();
        entries.put(key, new Entry(value, clock.millis() + ttlSeconds * 1000L));
    }

    private void evictExpiredOrOldest() {
        long now = clock.millis();
        entries.values().removeIf(e -> e.expiresAtMillis() <= now);
        Iterator<String> it = entries.keySet().iterator();
        while (entries.size() >= maxEntries && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
