package dev.tokengate.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokengate.support.PrivateRedis;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pipelined RESP client: replies in order, on the calling event loop, reconnects, scripts loaded again. */
@SuppressWarnings("unchecked")
class RespClientTest {
    private static final String REDIS = "redis://127.0.0.1:6379/0";
    private final Vertx vertx = Vertx.vertx();
    private final String prefix = "tgtest:resp:" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + ":";

    @AfterEach
    void close() {
        try (RespClient c = new RespClient(vertx, REDIS, List.of())) {
            Object keys = c.send(RespClient.command("KEYS", prefix + "*"), false).await();
            for (Object k : (List<?>) keys) c.send(RespClient.command("DEL", (String) k), false).await();
        }
        vertx.close().await();
    }

    /** Runs {@code work} on an event loop and waits for the future it returns. */
    private <T> T onLoop(java.util.function.Supplier<Future<T>> work) {
        Promise<T> p = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> work.get().onComplete(p));
        return p.future().await();
    }

    @Test
    void numbersAreEncodedAsBulkStrings() {
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
        for (long v : new long[]{0, 7, -3, 10, 1234567890123L, Long.MAX_VALUE, Long.MIN_VALUE}) RespClient.bulk(b, v);
        assertThat(b.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("$1\r\n0\r\n$1\r\n7\r\n$2\r\n-3\r\n"
                + "$2\r\n10\r\n$13\r\n1234567890123\r\n$19\r\n9223372036854775807\r\n$20\r\n-9223372036854775808\r\n");
        assertThat(RespClient.command("GET", "k\u00e9").toString()).isEqualTo("*2\r\n$3\r\nGET\r\n$3\r\nk\u00e9\r\n");
    }

    @Test
    void pipelinedRepliesMatchTheirCommandsAndArriveOnTheCallingEventLoop() {
        try (RespClient c = new RespClient(vertx, REDIS, List.of())) {
            List<Object> replies = onLoop(() -> {
                Thread loop = Thread.currentThread();
                List<Future<Object>> all = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    all.add(c.send(RespClient.command("INCR", prefix + "n"), false).map(r -> {
                        if (Thread.currentThread() != loop) throw new AssertionError("answered on " + Thread.currentThread());
                        return r;
                    }));
                }
                all.add(c.send(RespClient.command("SET", prefix + "s", "h\u00e9llo \r\n world", "EX", "60"), false));
                all.add(c.send(RespClient.command("GET", prefix + "s"), false));
                all.add(c.send(RespClient.command("GET", prefix + "missing"), false));
                all.add(c.send(RespClient.command("LRANGE", prefix + "missing", "0", "-1"), false));
                return Future.all(all).map(cf -> cf.list());
            });
            for (int i = 0; i < 500; i++) assertThat(replies.get(i)).isEqualTo((long) i + 1);
            assertThat(replies.subList(500, 504)).containsExactly("OK", "h\u00e9llo \r\n world", null, List.of());
            assertThatThrownBy(() -> c.send(RespClient.command("INCR", prefix + "s"), false).await())
                    .isInstanceOf(RespClient.ReplyException.class).hasMessageContaining("ERR");
        }
    }

    @Test
    void aKilledConnectionFailsWhatWasOnItAndTheNextCommandReconnects() throws InterruptedException {
        try (RespClient c = new RespClient(vertx, REDIS, List.of()); RespClient killer = new RespClient(vertx, REDIS, List.of())) {
            long id = (Long) onLoop(() -> c.send(RespClient.command("CLIENT", "ID"), false));
            Thread.sleep(1100); // a connection that has worked for a second is tried again at once
            assertThat(killer.send(RespClient.command("CLIENT", "KILL", "ID", Long.toString(id)), false).await()).isEqualTo(1L);
            long deadline = System.currentTimeMillis() + 5000;
            Object again = null;
            while (again == null && System.currentTimeMillis() < deadline) {
                try {
                    again = onLoop(() -> c.send(RespClient.command("CLIENT", "ID"), false));
                } catch (RespClient.UnreachableException lost) {
                    // the kill reached this connection only now
                }
            }
            assertThat((Long) again).isNotEqualTo(id);
        }
    }

    @Test
    void aServerThatStopsAnsweringFailsCommandsWithinTheTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread accept = Thread.ofVirtual().start(() -> {
                try (Socket s = silent.accept(); InputStream in = s.getInputStream()) {
                    while (in.read() >= 0) {
                        // read and never answer
                    }
                } catch (IOException ignored) {
                    // closed by the client
                }
            });
            try (RespClient c = new RespClient(vertx, "redis://127.0.0.1:" + silent.getLocalPort(), List.of())) {
                long started = System.nanoTime();
                assertThatThrownBy(() -> onLoop(() -> c.send(RespClient.command("PING"), false)))
                        .isInstanceOf(RespClient.UnreachableException.class).hasMessageContaining("no answer");
                assertThat((System.nanoTime() - started) / 1_000_000).isBetween(RespClient.TIMEOUT_MS - 10, 3000L);
            }
            accept.interrupt();
        }
    }

    @Test
    void nothingListeningFailsAtOnce() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (RespClient c = new RespClient(vertx, "redis://127.0.0.1:" + port, List.of())) {
            assertThatThrownBy(() -> onLoop(() -> c.send(RespClient.command("PING"), false)))
                    .isInstanceOf(RespClient.UnreachableException.class).hasMessageContaining("unreachable");
            // within the second after a failed attempt, commands fail without another attempt
            assertThatThrownBy(() -> onLoop(() -> c.send(RespClient.command("PING"), false)))
                    .isInstanceOf(RespClient.UnreachableException.class).hasMessageContaining("is unreachable");
        }
    }

    @Test
    void scriptsFlushedFromRedisAreLoadedAgainAndTheCommandsKeepTheirOrder() {
        String script = "return redis.call('RPUSH', KEYS[1], ARGV[1])";
        String sha = sha1(script);
        try (PrivateRedis redis = PrivateRedis.start(); RespClient c = new RespClient(vertx, redis.url(), List.of(script));
             RespClient admin = new RespClient(vertx, redis.url(), List.of())) {
            assertThat(onLoop(() -> c.send(RespClient.command("EVALSHA", sha, "1", "list", "first"), true))).isEqualTo(1L);
            assertThat(admin.send(RespClient.command("SCRIPT", "FLUSH"), false).await()).isEqualTo("OK");
            // several EVALSHAs in flight miss the script, a plain command among them does not: each is answered, in order
            List<Object> replies = onLoop(() -> {
                List<Future<Object>> all = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    all.add(c.send(RespClient.command("EVALSHA", sha, "1", "list", Integer.toString(i)), true));
                    if (i == 5) all.add(c.send(RespClient.command("LLEN", "list"), false));
                }
                return Future.all(all).map(cf -> cf.list());
            });
            assertThat(replies).hasSize(21);
            List<Object> list = (List<Object>) admin.send(RespClient.command("LRANGE", "list", "0", "-1"), false).await();
            List<String> expected = new ArrayList<>(List.of("first"));
            for (int i = 0; i < 20; i++) expected.add(Integer.toString(i));
            assertThat(list).containsExactlyElementsOf(new ArrayList<Object>(expected));
            // off the event loops too
            assertThat(admin.send(RespClient.command("SCRIPT", "FLUSH"), false).await()).isEqualTo("OK");
            assertThat(c.send(RespClient.command("EVALSHA", sha, "1", "list", "last"), true).await()).isEqualTo(22L);
        }
    }

    private static String sha1(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
