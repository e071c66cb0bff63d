package dev.tokengate.callbacks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.tokengate.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The callback URL is checked again when the callback is sent, and the POST goes to the address that check approved:
 * DNS that answers a public address when the callback is accepted and a loopback one at send time (rebinding) gets no
 * request through, and no second lookup can swap the address. Redirects are never followed. DNS is played by the
 * guard's {@link UrlGuard.Resolver}; the receivers are real HTTP servers on 127.0.0.1.
 */
class CallbackAddressCheckedAtSendTimeTest {
    private static final byte[] BODY = "{\"job_id\":\"job-1\"}".getBytes();
    private final Vertx vertx = Vertx.vertx();
    private final Receiver receiver = new Receiver(0, null);

    @AfterEach
    void stop() {
        receiver.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aHostThatRebindsToLoopbackAfterTheCallbackWasAcceptedGetsNoRequest() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        UrlGuard guard = new UrlGuard(false, List.of(), host -> {
            if (!host.equals("hooks.rebind.test")) throw new UnknownHostException(host);
            // the first answer is public (the check when the job is created), every later one is loopback
            return new InetAddress[]{InetAddress.getByName(lookups.getAndIncrement() == 0 ? "203.0.113.10" : "127.0.0.1")};
        });
        String url = "http://hooks.rebind.test:" + receiver.port() + "/hook";
        assertThat(guard.check(url, "callback.callback_url").getHost()).isEqualTo("hooks.rebind.test");

        CallbackSender.Attempt attempt = deliver(guard, url);

        assertThat(attempt.delivered()).isFalse();
        assertThat(attempt.last()).as("a refused address is not retried").isTrue();
        assertThat(attempt.statusCode()).isNull();
        assertThat(attempt.error()).contains("loopback, private or link-local");
        assertThat(receiver.requests()).isEmpty();
        assertThat(lookups.get()).isEqualTo(2);
    }

    @Test
    void thePostGoesToTheAddressTheGuardApprovedWithoutASecondLookup() throws Exception {
        // .invalid never resolves anywhere (RFC 6761): the POST can only arrive if it used the guard's answer
        UrlGuard guard = new UrlGuard(false, List.of(new InetSocketAddress("127.0.0.1", receiver.port())), host -> {
            if (!host.equals("receiver.invalid")) throw new UnknownHostException(host);
            return new InetAddress[]{InetAddress.getByName("127.0.0.1")};
        });

        CallbackSender.Attempt attempt = deliver(guard, "http://receiver.invalid:" + receiver.port() + "/hook");

        assertThat(attempt.delivered()).as(String.valueOf(attempt)).isTrue();
        assertThat(receiver.requests()).containsExactly("POST /hook Host=receiver.invalid:" + receiver.port());
    }

    @Test
    void onlyTheListedPrivateAddressIsAllowed() {
        UrlGuard guard = new UrlGuard(false, List.of(new InetSocketAddress("127.0.0.1", receiver.port())), InetAddress::getAllByName);

        assertThat(guard.check("http://127.0.0.1:" + receiver.port() + "/hook", "callback_url").getPort()).isEqualTo(receiver.port());
        for (String other : List.of("http://127.0.0.1:" + (receiver.port() == 65535 ? 1 : receiver.port() + 1) + "/hook",
                "http://127.0.0.1/hook", "http://10.0.0.1:" + receiver.port() + "/", "http://[::1]:" + receiver.port() + "/")) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> guard.check(other, "callback_url")))
                    .as(other).isInstanceOf(dev.tokengate.core.ApiException.class).hasMessageContaining("callback_url");
        }
    }

    @Test
    void aRedirectIsNotFollowedEvenToAnAllowedAddressAndIsRecordedAsTheError() throws Exception {
        try (Receiver redirecting = new Receiver(302, "http://127.0.0.1:" + receiver.port() + "/stolen")) {
            UrlGuard guard = new UrlGuard(false, List.of(new InetSocketAddress("127.0.0.1", redirecting.port()),
                    new InetSocketAddress("127.0.0.1", receiver.port())), InetAddress::getAllByName);

            CallbackSender.Attempt attempt = deliver(guard, "http://127.0.0.1:" + redirecting.port() + "/hook");

            assertThat(attempt.delivered()).isFalse();
            assertThat(attempt.last()).isTrue();
            assertThat(attempt.statusCode()).isEqualTo(302);
            assertThat(attempt.error()).contains("redirect");
            assertThat(redirecting.requests()).hasSize(1);
            assertThat(receiver.requests()).as("the redirect's target").isEmpty();
        }
    }

    private CallbackSender.Attempt deliver(UrlGuard guard, String url) throws Exception {
        CallbackSender sender = new CallbackSender(vertx, new GatewayConfig.Callbacks(false, 5000, 3, 60), InstantSource.system(), guard);
        CompletableFuture<CallbackSender.Attempt> last = new CompletableFuture<>();
        sender.deliver(url, Map.of(), BODY, "signing-secret", 1, 0, a -> {
            if (a.last()) last.complete(a);
        });
        return last.get(20, TimeUnit.SECONDS);
    }

    /** An HTTP server on 127.0.0.1 recording "METHOD /path Host=..." and answering {@code status} (200 when 0). */
    private static final class Receiver implements AutoCloseable {
        private final HttpServer server;
        private final Queue<String> requests = new ConcurrentLinkedQueue<>();

        Receiver(int status, String location) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " Host="
                        + exchange.getRequestHeaders().getFirst("Host"));
                if (location != null) exchange.getResponseHeaders().add("Location", location);
                exchange.sendResponseHeaders(status == 0 ? 200 : status, -1);
                exchange.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        List<String> requests() {
            return List.copyOf(requests);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
