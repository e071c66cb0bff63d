package dev.tokengate.ratelimit;

import dev.tokengate.config.GatewayConfig;
import io.vertx.core.Future;

/**
 * Requests per minute, tokens per minute and concurrent requests for one scope (an API key), checked and counted in
 * one atomic step. Minutes slide in one-second steps: a request counts for the 60 seconds after it.
 */
public interface RateLimiter extends AutoCloseable {
    /**
     * Grants a request that expects to use {@code tokens}, or refuses it without counting anything. Fails (rather than
     * refusing) when the limiter's shared store cannot be reached.
     */
    Future<Decision> acquire(String scope, GatewayConfig.RateLimit limit, long tokens);

    /** Frees the permit's concurrency slot and replaces its counted tokens with {@code actualTokens}. */
    void release(Permit permit, long actualTokens);

    @Override
    default void close() {}
}
