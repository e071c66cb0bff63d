package dev.tokengate.cache;

import dev.tokengate.jobs.Job;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The job API's message cache: an identical request (same user, model, messages and response format) within its TTL
 * gets the stored outcome without an upstream call. In-process; entries expire lazily and the size is capped.
 */
public final class MessageCache {
    private record Entry(Job.Outcome outcome, long expiresAtMillis) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final int maxEntries;

    public MessageCache(InstantSource clock, int maxEntries) {
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    public Job.Outcome get(String key) {
        Entry e = entries.get(key);
        if (e == null) return null;
        if (e.expiresAtMillis() <= clock.millis()) {
            entries.remove(key, e);
            return null;
        }
        return e.outcome();
    }

    public void put(String key, Job.Outcome outcome, int ttlSeconds) {
        if (entries.size() >= maxEntries) evictExpiredOrOldest();
        entries.put(key, new Entry(outcome, clock.millis() + ttlSeconds * 1000L));
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
