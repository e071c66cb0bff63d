package dev.tokengate.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last requests the gateway answered, for the console's live request log: a fixed ring that overwrites the oldest
 * entry. An entry holds the route template, never the path, query or headers, so no key or secret can land in it.
 */
public final class RecentRequests {
    /** @param id a sequence number, increasing by one per request; poll with {@code after} the highest id seen */
    public record Entry(long id, long atMillis, String method, String route, int status, String model, long durationNanos,
                        String userId) {}

    private final AtomicReferenceArray<Entry> ring;
    private final AtomicLong lastId = new AtomicLong();

    public RecentRequests(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive");
        this.ring = new AtomicReferenceArray<>(capacity);
    }

    public int capacity() {
        return ring.length();
    }

    public void record(long atMillis, String method, String route, int status, String model, long durationNanos, String userId) {
        long id = lastId.incrementAndGet();
        ring.set(slot(id), new Entry(id, atMillis, method, route, status, model, durationNanos, userId));
    }

    /** Up to {@code limit} of the newest entries with an id above {@code after}, newest first. */
    public List<Entry> newestAfter(long after, int limit) {
        long last = lastId.get();
        long from = Math.max(Math.max(after + 1, last - ring.length() + 1), Math.max(1, last - limit + 1));
        List<Entry> oldestFirst = new ArrayList<>();
        for (long id = from; id <= last; id++) {
            Entry e = ring.get(slot(id));
            // an id taken by a request whose entry is not written yet: stop there, so a poller never skips past it
            if (e == null || e.id() != id) break;
            oldestFirst.add(e);
        }
        return oldestFirst.reversed();
    }

    private int slot(long id) {
        return (int) ((id - 1) % ring.length());
    }
}
