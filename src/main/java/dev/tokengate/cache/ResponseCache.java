package dev.tokengate.cache;

import io.vertx.core.Future;

/**
 * The response cache (the opt-in cache of /v1/chat/completions and the job API's message cache): values by key, each
 * with its own TTL. In-process for one instance, in Redis when instances share it. A cache never fails a request: a
 * lookup that cannot reach its store is a miss, and a store that fails is skipped.
 */
public interface ResponseCache extends AutoCloseable {
    /** The value stored under {@code key}, or null when there is none (or the store is unreachable). */
    Future<String> get(String key);

    void put(String key, String value, int ttlSeconds);

    @Override
    default void close() {}
}
