package dev.tokengate.store.redis;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small Redis client (RESP2) on Vert.x's own NetClient: one connection per event loop, pipelined (commands are written
 * at once, replies matched to them in order). A command sent on an event loop is answered on that event loop, with no
 * thread hop; work off the event loops shares one more connection, driven by a context of its own.
 *
 * <p>While Redis is unreachable every command fails at once (it is never queued): the gateway must not wait on Redis. A
 * connection is tried at most once a second per event loop; a command waits only for an attempt it started. A command
 * not answered within {@link #TIMEOUT_MS} (checked every quarter second) closes its connection, failing every command on
 * it, and the next command reconnects.
 *
 * <p>Scripts given to the client are loaded ({@code SCRIPT LOAD}) on every new connection before any other command, so an
 * {@code EVALSHA} never misses for want of them. If Redis lost them anyway ({@code SCRIPT FLUSH}), the commands that got
 * {@code NOSCRIPT} are sent again, in their order, once every command sent before the reload has been answered, after
 * the scripts are loaded again; commands issued meanwhile wait behind them, so a connection's commands keep their order.
 */
final class RespClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RespClient.class);
    static final long TIMEOUT_MS = 1000;
    private static final long TICK_MS = 250;
    private static final long RETRY_EVERY_MS = 1000;

    private final Vertx vertx;
    private final NetClient net;
    private final String host;
    private final int port;
    private final String where;
    private final List<Buffer> handshake = new ArrayList<>();
    private final ConcurrentHashMap<Thread, Conn> byLoop = new ConcurrentHashMap<>();
    private final ContextInternal offLoopContext;
    private volatile Conn offLoop;
    private volatile boolean closed;

    /** @param scripts Lua scripts loaded on every connection before any command */
    RespClient(Vertx vertx, String url, List<String> scripts) {
        this.vertx = vertx;
        URI u = URI.create(url);
        boolean ssl = "rediss".equalsIgnoreCase(u.getScheme());
        this.host = u.getHost() == null ? "127.0.0.1" : u.getHost();
        this.port = u.getPort() > 0 ? u.getPort() : 6379;
        this.where = "Redis at " + host + ":" + port;
        String info = u.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            String user = colon < 0 ? null : decode(info.substring(0, colon));
            String password = decode(colon < 0 ? info : info.substring(colon + 1));
            handshake.add(user == null || user.isEmpty() ? command("AUTH", password) : command("AUTH", user, password));
        }
        String path = u.getPath();
        if (path != null && path.length() > 1) {
            String db = path.substring(1);
            if (!db.equals("0")) handshake.add(command("SELECT", Integer.toString(Integer.parseInt(db))));
        }
        for (String s : scripts) handshake.add(command("SCRIPT", "LOAD", s));
        NetClientOptions options = new NetClientOptions().setConnectTimeout((int) TIMEOUT_MS).setTcpNoDelay(true)
                .setTcpKeepAlive(true);
        // rediss://: TLS, the server's certificate checked against the JVM's trust store and the URL's host name
        if (ssl) options.setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
        this.net = vertx.createNetClient(options);
        this.offLoopContext = (ContextInternal) ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /**
     * Sends a command; the future completes on the caller's context with a reply: Long, String (simple or bulk),
     * List of replies, or null; an error reply fails it with {@link ReplyException}. {@code evalsha}: the command is an
     * EVALSHA of one of the client's scripts, sent again after {@code NOSCRIPT}.
     */
    Future<Object> send(Buffer command, boolean evalsha) {
        if (closed) return Future.failedFuture(new IllegalStateException("the Redis client is closed"));
        if (Context.isOnEventLoopThread() && Vertx.currentContext() instanceof ContextInternal caller) {
            Conn c = byLoop.get(Thread.currentThread());
            if (c == null) c = byLoop.computeIfAbsent(Thread.currentThread(), t -> new Conn(caller.unwrap()));
            Promise<Object> p = caller.promise();
            c.send(new Pending(command, p, evalsha));
            return p.future();
        }
        Promise<Object> p = offLoopContext.promise();
        offLoopContext.runOnContext(v -> offLoop().send(new Pending(command, p, evalsha)));
        return p.future();
    }

    private Conn offLoop() {
        Conn c = offLoop;
        if (c == null) offLoop = c = new Conn(offLoopContext);
        return c;
    }

    /** A command as RESP: an array of bulk strings. */
    static Buffer command(String... args) {
        ByteBuf b = Unpooled.buffer(16 + args.length * 16);
        b.writeByte('*');
        writeDecimal(b, args.length);
        for (String a : args) bulk(b, a);
        return BufferInternal.buffer(b);
    }

    /** Appends one argument; ASCII is written as it is, anything else as UTF-8. */
    static void bulk(ByteBuf b, String s) {
        int n = s.length();
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        b.writeByte('$');
        if (ascii) {
            writeDecimal(b, n);
            b.writeCharSequence(s, StandardCharsets.US_ASCII);
        } else {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            writeDecimal(b, bytes.length);
            b.writeBytes(bytes);
        }
        b.writeByte('\r').writeByte('\n');
    }

    static void bulk(ByteBuf b, long v) {
        b.writeByte('$');
        writeDecimal(b, v < 0 ? digits(v) + 1 : digits(v));
        writeLong(b, v);
        b.writeByte('\r').writeByte('\n');
    }

    /** Decimal digits of {@code v} (of its magnitude), without a sign. */
    private static int digits(long v) {
        if (v == Long.MIN_VALUE) return 19;
        v = Math.abs(v);
        int n = 1;
        while (v >= 10) {
            v /= 10;
            n++;
        }
        return n;
    }

    static void writeDecimal(ByteBuf b, long v) {
        writeLong(b, v);
        b.writeByte('\r').writeByte('\n');
    }

    private static void writeLong(ByteBuf b, long v) {
        if (v == 0) {
            b.writeByte('0');
            return;
        }
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                b.writeCharSequence(Long.toString(v), StandardCharsets.US_ASCII);
                return;
            }
            b.writeByte('-');
            v = -v;
        }
        int digits = digits(v);
        int at = b.writerIndex();
        b.writeZero(digits);
        for (int i = at + digits - 1; v > 0; i--, v /= 10) b.setByte(i, (int) ('0' + v % 10));
    }

    /** An error reply of Redis ({@code -ERR ...}, {@code -NOSCRIPT ...}). */
    static final class ReplyException extends RuntimeException {
        ReplyException(String message) {
            super(message, null, false, false);
        }
    }

    /** Redis could not be reached, or the connection was lost. */
    static final class UnreachableException extends RuntimeException {
        UnreachableException(String message) {
            super(message, null, false, false);
        }
    }

    private static final class Pending {
        final Buffer command;
        final Promise<Object> promise;
        final boolean evalsha;
        boolean retried;
        int ticks;

        Pending(Buffer command, Promise<Object> promise, boolean evalsha) {
            this.command = command;
            this.promise = promise;
            this.evalsha = evalsha;
        }
    }

    /** A reply not yet complete in the bytes received so far. */
    private static final Object INCOMPLETE = new Object();

    /** One connection, used only on its event loop. */
    private final class Conn {
        private static final int IDLE = 0, CONNECTING = 1, READY = 2, RELOADING = 3;
        private final ContextInternal context;
        private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
        /** Commands waiting for a connection attempt, or behind a script reload. */
        private final ArrayList<Pending> waiting = new ArrayList<>();
        private final ArrayList<Pending> retries = new ArrayList<>();
        private NetSocket socket;
        private int state = IDLE;
        private long nextAttemptAt;
        private long connectedAt;
        private ByteBuf received;
        private long timer = -1;

        Conn(ContextInternal context) {
            this.context = context;
        }

        void send(Pending p) {
            switch (state) {
                case READY -> write(p);
                case CONNECTING, RELOADING -> waiting.add(p);
                default -> {
                    long now = System.currentTimeMillis();
                    if (closed || now < nextAttemptAt) {
                        p.promise.tryFail(new UnreachableException(where + " is unreachable"));
                        return;
                    }
                    nextAttemptAt = now + RETRY_EVERY_MS;
                    waiting.add(p);
                    connect();
                }
            }
        }

        private void write(Pending p) {
            inFlight.add(p);
            socket.write(p.command);
        }

        private void connect() {
            state = CONNECTING;
            // connect on the connection's own context, so the socket's handlers run there (not on a request's)
            context.runOnContext(v -> net.connect(port, host).onComplete(ar -> {
                if (ar.failed() || closed) {
                    if (ar.succeeded()) ar.result().close();
                    state = IDLE;
                    failAll(waiting, new UnreachableException(where + " is unreachable ("
                            + (ar.failed() ? ar.cause().getMessage() : "closed") + ")"));
                    return;
                }
                NetSocket s = ar.result();
                socket = s;
                connectedAt = System.currentTimeMillis();
                s.handler(this::received);
                s.closeHandler(x -> lost(s, "connection closed"));
                s.exceptionHandler(e -> {
                    LOG.debug("Redis connection failed: {}", e.toString());
                    s.close();
                });
                if (timer < 0) timer = vertx.setPeriodic(TICK_MS, id -> tick());
                for (Buffer h : handshake) write(new Pending(h, handshakePromise(s), false));
                state = READY;
                ArrayList<Pending> queued = new ArrayList<>(waiting);
                waiting.clear();
                for (Pending p : queued) write(p);
            }));
        }

        /** A handshake command that fails (a wrong password, no such database) closes the connection. */
        private Promise<Object> handshakePromise(NetSocket s) {
            Promise<Object> p = Promise.promise();
            p.future().onFailure(e -> {
                if (e instanceof ReplyException) {
                    LOG.warn("{} refused the connection set-up: {}", where, e.getMessage());
                    s.close();
                }
            });
            return p;
        }

        private void tick() {
            if (closed) {
                vertx.cancelTimer(timer);
                return;
            }
            Pending head = inFlight.peek();
            if (head != null && ++head.ticks > TIMEOUT_MS / TICK_MS && socket != null) {
                NetSocket s = socket;
                lost(s, "no answer within " + TIMEOUT_MS + " ms");
                s.close();
            }
        }

        private void lost(NetSocket s, String why) {
            if (socket != s) return;
            socket = null;
            state = IDLE;
            // a connection that worked for a while is tried again at once; one that fails at once, once a second
            if (System.currentTimeMillis() - connectedAt >= RETRY_EVERY_MS) nextAttemptAt = 0;
            if (received != null) {
                received.release();
                received = null;
            }
            UnreachableException e = new UnreachableException(where + " is unreachable (" + why + ")");
            ArrayList<Pending> all = new ArrayList<>(inFlight);
            inFlight.clear();
            all.addAll(retries);
            retries.clear();
            all.addAll(waiting);
            waiting.clear();
            failAll(all, e);
        }

        private void failAll(List<Pending> list, Throwable e) {
            ArrayList<Pending> copy = new ArrayList<>(list);
            list.clear();
            for (Pending p : copy) p.promise.tryFail(e);
        }

        private void received(Buffer data) {
            ByteBuf in = ((BufferInternal) data).getByteBuf();
            ByteBuf buf;
            if (received != null && received.isReadable()) {
                received.writeBytes(in);
                buf = received;
            } else {
                buf = in;
            }
            while (buf.isReadable()) {
                int start = buf.readerIndex();
                Object reply;
                try {
                    reply = parse(buf);
                } catch (RuntimeException e) {
                    LOG.warn("unreadable reply from {}: {}", where, e.toString());
                    NetSocket s = socket;
                    if (s != null) {
                        lost(s, "unreadable reply");
                        s.close();
                    }
                    return;
                }
                if (reply == INCOMPLETE) {
                    buf.readerIndex(start);
                    break;
                }
                replied(reply);
                if (socket == null) return; // lost while handling the reply
            }
            if (buf == received) {
                if (!received.isReadable() && received.capacity() > 1 << 20) {
                    // after a large reply (a cached response): do not keep its buffer
                    received.release();
                    received = null;
                } else {
                    received.discardReadBytes();
                }
            } else if (buf.isReadable()) {
                if (received == null) received = Unpooled.buffer(Math.max(256, buf.readableBytes() * 2));
                received.writeBytes(buf);
            }
        }

        private void replied(Object reply) {
            Pending p = inFlight.poll();
            if (p == null) {
                NetSocket s = socket;
                lost(s, "a reply to no command");
                s.close();
                return;
            }
            if (reply instanceof ReplyException e) {
                if (p.evalsha && !p.retried && e.getMessage().startsWith("NOSCRIPT")) {
                    p.retried = true;
                    retries.add(p);
                    state = RELOADING;
                } else {
                    p.promise.tryFail(e);
                }
            } else {
                p.promise.tryComplete(reply);
            }
            if (state == RELOADING && inFlight.isEmpty()) reload();
        }

        /** Every command sent before is answered: load the scripts again, then send what missed them, then the rest. */
        private void reload() {
            LOG.info("{} lost its scripts; loading them again", where);
            state = READY;
            for (Buffer h : handshake) write(new Pending(h, handshakePromise(socket), false));
            ArrayList<Pending> again = new ArrayList<>(retries);
            retries.clear();
            again.addAll(waiting);
            waiting.clear();
            for (Pending p : again) {
                p.ticks = 0;
                write(p);
            }
        }
    }

    /** Parses one reply, or returns {@link #INCOMPLETE} (the caller rewinds). */
    private static Object parse(ByteBuf b) {
        if (!b.isReadable()) return INCOMPLETE;
        byte type = b.readByte();
        int eol = b.indexOf(b.readerIndex(), b.writerIndex(), (byte) '\n');
        if (eol < 0) return INCOMPLETE;
        switch (type) {
            case ':' -> {
                long v = readLong(b, eol);
                return v;
            }
            case '+' -> {
                String s = b.toString(b.readerIndex(), eol - 1 - b.readerIndex(), StandardCharsets.UTF_8);
                b.readerIndex(eol + 1);
                return s;
            }
            case '-' -> {
                String s = b.toString(b.readerIndex(), eol - 1 - b.readerIndex(), StandardCharsets.UTF_8);
                b.readerIndex(eol + 1);
                return new ReplyException(s);
            }
            case '$' -> {
                long len = readLong(b, eol);
                if (len < 0) return null;
                if (b.readableBytes() < len + 2) return INCOMPLETE;
                String s = b.toString(b.readerIndex(), (int) len, StandardCharsets.UTF_8);
                b.skipBytes((int) len + 2);
                return s;
            }
            case '*' -> {
                long n = readLong(b, eol);
                if (n < 0) return null;
                List<Object> items = new ArrayList<>((int) n);
                for (int i = 0; i < n; i++) {
                    Object item = parse(b);
                    if (item == INCOMPLETE) return INCOMPLETE;
                    items.add(item);
                }
                return items;
            }
            default -> throw new IllegalStateException("unexpected reply type '" + (char) type + "'");
        }
    }

    /** The decimal from the reader index up to the CR before {@code eol}; moves past the line. */
    private static long readLong(ByteBuf b, int eol) {
        int i = b.readerIndex();
        int end = eol - 1;
        boolean negative = b.getByte(i) == '-';
        if (negative) i++;
        long v = 0;
        for (; i < end; i++) {
            byte c = b.getByte(i);
            if (c < '0' || c > '9') throw new IllegalStateException("not a number in a reply");
            v = v * 10 + (c - '0');
        }
        b.readerIndex(eol + 1);
        return negative ? -v : v;
    }

    @Override
    public void close() {
        closed = true;
        net.close();
    }
}
