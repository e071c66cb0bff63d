package dev.tokengate.store.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One multiplexed Redis connection, opened lazily. While Redis is unreachable every command fails at once (it is never
 * queued): the gateway must not wait on Redis. A new connection is tried at most once a second; once connected,
 * Lettuce reconnects by itself.
 */
final class RedisLink implements AutoCloseable {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(1000);
    private static final long RETRY_EVERY_MS = 1000;

    private final RedisClient client;
    private final RedisURI uri;
    private volatile StatefulRedisConnection<String, String> connection;
    private CompletableFuture<StatefulRedisConnection<String, String>> connecting;
    private long nextAttemptAt;

    RedisLink(String url) {
        this.uri = RedisURI.create(url);
        this.client = RedisClient.create();
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(COMMAND_TIMEOUT).build())
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        // the first connect loads and starts Lettuce's machinery, which takes a while: do it now, not on an event loop
        connection();
    }

    CompletionStage<StatefulRedisConnection<String, String>> connection() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) return CompletableFuture.completedFuture(c);
        synchronized (this) {
            if (connection != null) return CompletableFuture.completedFuture(connection);
            if (connecting != null) return connecting;
            long now = System.currentTimeMillis();
            if (now < nextAttemptAt) {
                return CompletableFuture.failedFuture(new RedisConnectionException("Redis at " + uri.getHost() + ":" + uri.getPort()
                        + " is unreachable"));
            }
            nextAttemptAt = now + RETRY_EVERY_MS;
            CompletableFuture<StatefulRedisConnection<String, String>> attempt =
                    client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
            connecting = attempt;
            attempt.whenComplete((conn, e) -> {
                synchronized (this) {
                    if (conn != null) connection = conn;
                    connecting = null;
                }
            });
            return attempt;
        }
    }

    @Override
    public void close() {
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) c.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
