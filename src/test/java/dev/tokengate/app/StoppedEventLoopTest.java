package dev.tokengate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestGateway;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An event loop that stops while the gateway runs leaves its connections unserved, so the gateway stops claiming
 * health: /health and /ready answer 503 on the loops still running, and a supervisor or load balancer replaces it.
 * <p>
 * In production a loop dies of an Error escaping Netty's run loop (io_uring out of direct memory did); no public
 * interface makes a loop throw, so the test ends one loop from outside, which stops its thread the same way.
 */
class StoppedEventLoopTest {

    @Test
    void aStoppedEventLoopTurnsHealthAndReadinessTo503() throws Exception {
        try (TestGateway gw = TestGateway.start(Map.of("server.event_loops", "2"))) {
            assertThat(gw.get("/health", null).status()).isEqualTo(200);
            assertThat(gw.get("/ready", null).status()).isEqualTo(200);

            EventExecutor loop = ((VertxInternal) gw.gateway().vertx()).nettyEventLoopGroup().next();
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

            assertThat(answerOnAFreshConnection(gw.port(), "/health")).startsWith("HTTP/1.1 503").contains("event loop stopped");
            assertThat(answerOnAFreshConnection(gw.port(), "/ready")).startsWith("HTTP/1.1 503").contains("event loop stopped");
        }
    }

    @Test
    void aStoppedAcceptorLoopTurnsHealthTo503OnConnectionsStillOpen() throws Exception {
        try (TestGateway gw = TestGateway.start(Map.of("server.event_loops", "2"));
             Socket kept = new Socket("127.0.0.1", gw.port())) {
            kept.setSoTimeout(10_000);
            assertThat(answerOn(kept, "/health")).startsWith("HTTP/1.1 200");

            EventExecutor acceptor = ((VertxInternal) gw.gateway().vertx()).acceptorEventLoopGroup().next();
            acceptor.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            assertThat(acceptor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

            assertThat(answerOn(kept, "/health")).startsWith("HTTP/1.1 503").contains("event loop stopped");
        }
    }

    /** One kept-alive request's answer, headers and body (the body is small JSON with a Content-Length). */
    private static String answerOn(Socket s, String path) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        var in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IOException("closed before the headers ended: " + head);
            head.append((char) b);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (!m.find()) throw new IOException("no Content-Length: " + head);
        return head + new String(in.readNBytes(Integer.parseInt(m.group(1))), StandardCharsets.US_ASCII);
    }

    /**
     * The answer on a new connection; connections handed to the stopped loop are closed unanswered, so it tries again,
     * and the acceptor's round robin hands the next one to the loop still running.
     */
    private static String answerOnAFreshConnection(int port, String path) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                if (!answer.isEmpty()) return answer;
            } catch (IOException reset) {
                // handed to the stopped loop: closed without an answer
            }
        }
        throw new AssertionError("no connection was answered");
    }
}
