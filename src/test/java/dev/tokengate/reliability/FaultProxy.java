package dev.tokengate.reliability;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between the gateway and an upstream that breaks the upstream's answers in the ways networks do: it
 * passes bytes through, drips them slowly, resets the connection part-way, answers garbage, or holds the connection
 * open without a byte. The mode can change between requests; connections count what it saw.
 */
final class FaultProxy implements AutoCloseable {
    sealed interface Mode {}

    /** Bytes pass unchanged. */
    record Pass() implements Mode {}

    /** The answer goes out {@code bytes} at a time, one piece every {@code everyMillis}. */
    record Drip(int bytes, long everyMillis) implements Mode {}

    /** {@code bytes} of the answer go through, then the connection is reset (TCP RST). */
    record ResetAfter(int bytes) implements Mode {}

    /** The upstream is never reached: random bytes are the answer, then the connection closes. */
    record Garbage(int bytes) implements Mode {}

    /** The request is read and nothing is ever answered; the connection stays open until the gateway gives up. */
    record Hang() implements Mode {}

    private final Vertx vertx;
    private final NetServer server;
    private final NetClient client;
    private final int upstreamPort;
    private final AtomicInteger connections = new AtomicInteger();
    private final java.util.Set<NetSocket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile Mode mode = new Pass();

    FaultProxy(int upstreamPort) {
        this.vertx = Vertx.vertx();
        this.upstreamPort = upstreamPort;
        this.client = vertx.createNetClient();
        // SO_LINGER 0: closing a socket resets it instead of ending it cleanly
        this.server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setSoLinger(0))
                .connectHandler(this::accept);
        try {
            server.listen().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    /** Later connections meet {@code m}; open ones (the gateway pools them) are closed so none keeps the old mode. */
    void mode(Mode m) {
        this.mode = m;
        open.forEach(NetSocket::close);
        open.clear();
    }

    int connections() {
        return connections.get();
    }

    private void accept(NetSocket in) {
        connections.incrementAndGet();
        open.add(in);
        Mode m = mode;
        switch (m) {
            case Garbage g -> in.handler(request -> {
                byte[] junk = new byte[g.bytes()];
                ThreadLocalRandom.current().nextBytes(junk);
                in.write(Buffer.buffer(junk)).onComplete(x -> vertx.setTimer(150, t -> in.close()));
            });
            case Hang h -> in.handler(request -> {});
            default -> relay(in, m);
        }
    }

    private void relay(NetSocket in, Mode m) {
        in.pause();
        client.connect(upstreamPort, "127.0.0.1").onComplete(ar -> {
            if (ar.failed()) {
                in.close();
                return;
            }
            NetSocket out = ar.result();
            in.handler(out::write);
            in.closeHandler(v -> out.close());
            Answer answer = new Answer(in, m);
            out.handler(answer::accept);
            out.closeHandler(v -> answer.upstreamClosed());
            in.resume();
        });
    }

    /** The upstream's answer on its way to the gateway, through the fault. */
    private final class Answer {
        private final NetSocket in;
        private final Mode mode;
        private Buffer pending = Buffer.buffer();
        private int forwarded;
        private boolean upstreamDone;
        private boolean dripping;
        private boolean reset;

        Answer(NetSocket in, Mode mode) {
            this.in = in;
            this.mode = mode;
        }

        void accept(Buffer data) {
            switch (mode) {
                case Drip d -> {
                    pending.appendBuffer(data);
                    if (!dripping) {
                        dripping = true;
                        vertx.setTimer(d.everyMillis(), t -> drip(d));
                    }
                }
                case ResetAfter r -> {
                    if (reset) return;
                    int room = r.bytes() - forwarded;
                    if (data.length() < room) {
                        forwarded += data.length();
                        in.write(data);
                        return;
                    }
                    reset = true;
                    in.write(data.slice(0, room)).onComplete(x -> closeSoon());
                }
                default -> in.write(data);
            }
        }

        private void drip(Drip d) {
            int n = Math.min(d.bytes(), pending.length());
            if (n > 0) {
                in.write(pending.slice(0, n).copy());
                pending = pending.slice(n, pending.length()).copy();
            }
            if (pending.length() > 0) vertx.setTimer(d.everyMillis(), t -> drip(d));
            else {
                dripping = false;
                if (upstreamDone) closeSoon();
            }
        }

        void upstreamClosed() {
            upstreamDone = true;
            if (!dripping && !reset) closeSoon();
        }

        /** Closing resets the connection (SO_LINGER 0), which drops unsent bytes: give the written ones time to leave. */
        private void closeSoon() {
            vertx.setTimer(150, t -> in.close());
        }
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
