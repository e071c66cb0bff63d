import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A slow OpenAI-compatible streaming upstream for the streaming benchmark: POST /v1/chat/completions answers an SSE
 * stream whose first chunk (the role) goes out at once, then one content chunk every INTERVAL_MS for SECONDS, then the
 * finish chunk, a usage chunk and [DONE]. One periodic timer per event loop feeds every stream open on that loop, so
 * 10,000 streams cost 2 timers, not 10,000. A request with {@code "max_tokens":1} gets the first chunk and the end at
 * once (the time-to-first-token probe). It speaks HTTP/1.1 and HTTP/2 over cleartext (h2c with prior knowledge, as the
 * gateway's {@code http2: true} deployments send), with at most 100 concurrent streams per connection, the limit most
 * HTTP/2 servers announce.
 *
 * <p>It is a measuring instrument that shares the machine's cores with the gateway, so it runs on Netty directly (not
 * Vert.x, which flushes every write made outside a read handler): a timer tick writes one chunk to each of its loop's
 * streams and then flushes each connection once, so an HTTP/2 connection carrying 100 streams costs one system call a
 * tick instead of 100. Each stream still gets the same bytes at the same cadence.
 *
 * <p>Run: {@code java -cp target/tokengate.jar bench/upstream/SlowStreamUpstream.java PORT INTERVAL_MS SECONDS}
 */
public final class SlowStreamUpstream {
    private static final String HEAD = "data: {\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1763700000,"
            + "\"model\":\"bench-model\",\"choices\":[";
    private static final ByteBuf FIRST = constant(HEAD + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
    private static final ByteBuf TOKEN = constant(HEAD + "{\"index\":0,\"delta\":{\"content\":\"tok \"},\"finish_reason\":null}]}\n\n");
    private static final ByteBuf LAST = constant(HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + HEAD + "],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":100,\"total_tokens\":112}}\n\ndata: [DONE]\n\n");
    private static final int CONNECTION_WINDOW = 16 * 1024 * 1024;
    private static final byte[] H2_PREFACE_START = "PRI ".getBytes(StandardCharsets.US_ASCII);

    private static final java.util.regex.Pattern PROBE = java.util.regex.Pattern.compile("\"max_(completion_)?tokens\":1[,}]");

    private static int intervalMs;
    private static long durationMs;
    private static final Map<EventLoop, Ticker> TICKERS = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        intervalMs = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        durationMs = seconds * 1000L;
        Transport t = Transport.named(System.getProperty("bench.transport", "io_uring"));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), t.factory.get());
        new ServerBootstrap().group(group).channel(t.serverChannel)
                .option(ChannelOption.SO_BACKLOG, 16384)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ProtocolSniffer());
                    }
                })
                .bind("127.0.0.1", port).sync();
        System.out.println("SlowStreamUpstream on :" + port + " (HTTP/1.1 and h2c, Netty " + t.name + "), a chunk every "
                + intervalMs + " ms for " + seconds + " s");
    }

    /**
     * The event loops on the transport named by {@code -Dbench.transport} (io_uring, epoll or nio; default io_uring),
     * falling back to the next one when this machine cannot run it, so the tools pay what the gateway pays per system call.
     */
    record Transport(String name, Supplier<IoHandlerFactory> factory, Class<? extends ServerSocketChannel> serverChannel) {
        static Transport named(String wanted) {
            if (wanted.equals("io_uring") && IoUring.isAvailable()) {
                return new Transport("io_uring", IoUringIoHandler::newFactory, IoUringServerSocketChannel.class);
            }
            if (!wanted.equals("nio") && Epoll.isAvailable()) {
                return new Transport("epoll", EpollIoHandler::newFactory, EpollServerSocketChannel.class);
            }
            return new Transport("nio", NioIoHandler::newFactory, NioServerSocketChannel.class);
        }
    }

    /** The streams open on one event loop, fed by one timer on that loop; touched only from that loop. */
    static final class Ticker {
        private List<OpenStream> open = new ArrayList<>();
        private final List<Flushable> dirty = new ArrayList<>();

        static Ticker of(EventLoop loop) {
            return TICKERS.computeIfAbsent(loop, l -> {
                Ticker t = new Ticker();
                l.scheduleAtFixedRate(t::tick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
                return t;
            });
        }

        void add(OpenStream s) {
            open.add(s);
        }

        private void tick() {
            long now = System.currentTimeMillis();
            List<OpenStream> still = new ArrayList<>(open.size());
            for (OpenStream s : open) {
                if (!s.isOpen()) continue;
                boolean last = now >= s.endsAt;
                s.write(last ? LAST.duplicate() : TOKEN.duplicate(), last);
                if (!last) still.add(s);
                Flushable f = s.connection();
                if (!f.dirty) {
                    f.dirty = true;
                    dirty.add(f);
                }
            }
            open = still;
            for (Flushable f : dirty) {
                f.dirty = false;
                f.flush();
            }
            dirty.clear();
        }
    }

    /** A connection that the tick flushes once after writing to all of its streams. */
    abstract static class Flushable {
        boolean dirty;

        abstract void flush();
    }

    abstract static class OpenStream {
        final long endsAt = System.currentTimeMillis() + durationMs;

        abstract boolean isOpen();

        abstract void write(ByteBuf chunk, boolean last);

        abstract Flushable connection();
    }

    /** Picks HTTP/2 (the prior-knowledge preface) or HTTP/1.1 from a connection's first bytes. */
    static final class ProtocolSniffer extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < H2_PREFACE_START.length) return;
            boolean h2 = ByteBufUtil.equals(in, in.readerIndex(), Unpooled.wrappedBuffer(H2_PREFACE_START), 0, H2_PREFACE_START.length);
            if (h2) {
                H2Listener listener = new H2Listener();
                Http2ConnectionHandler handler = new Http2ConnectionHandlerBuilder().frameListener(listener)
                        .initialSettings(new Http2Settings().maxConcurrentStreams(100)).build();
                listener.handler = handler;
                ctx.pipeline().addAfter(ctx.name(), null, handler);
                try { // a 16 MB connection window for request bodies, as a Vert.x server gives
                    handler.decoder().flowController().incrementWindowSize(handler.connection().connectionStream(),
                            CONNECTION_WINDOW - handler.connection().connectionStream().id() - 65_535);
                } catch (Http2Exception e) {
                    throw new IllegalStateException(e);
                }
            } else {
                ctx.pipeline().addAfter(ctx.name(), null, new Http1Handler());
                ctx.pipeline().addAfter(ctx.name(), null, new HttpObjectAggregator(1 << 20));
                ctx.pipeline().addAfter(ctx.name(), null, new HttpServerCodec());
            }
            ctx.pipeline().remove(this);
        }
    }

    private static boolean wantsStream(String body) {
        return body.contains("\"stream\":true");
    }

    private static boolean isProbe(String body) {
        return PROBE.matcher(body).find();
    }

    static final class H1Connection extends Flushable {
        final ChannelHandlerContext ctx;

        H1Connection(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        void flush() {
            ctx.flush();
        }
    }

    static final class Http1Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String body = req.content().toString(StandardCharsets.UTF_8);
            if (!wantsStream(body)) {
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                        Unpooled.copiedBuffer("this upstream only streams", StandardCharsets.UTF_8));
                r.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
                ctx.writeAndFlush(r);
                return;
            }
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ctx.write(head);
            ctx.write(new DefaultHttpContent(FIRST.duplicate()));
            if (isProbe(body)) {
                ctx.writeAndFlush(new DefaultLastHttpContent(LAST.duplicate()));
                return;
            }
            ctx.flush();
            H1Connection connection = new H1Connection(ctx);
            Ticker.of(ctx.channel().eventLoop()).add(new OpenStream() {
                @Override
                boolean isOpen() {
                    return ctx.channel().isActive();
                }

                @Override
                void write(ByteBuf chunk, boolean last) {
                    ctx.write(last ? new DefaultLastHttpContent(chunk) : new DefaultHttpContent(chunk), ctx.voidPromise());
                }

                @Override
                Flushable connection() {
                    return connection;
                }
            });
        }
    }

    /** Requests over one HTTP/2 connection: bodies gathered per stream, answered when the stream's request ends. */
    static final class H2Listener extends Http2FrameAdapter {
        Http2ConnectionHandler handler;
        private final Map<Integer, StringBuilder> bodies = new HashMap<>();
        private H2Connection connection;

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endStream) {
            bodies.put(streamId, new StringBuilder());
            if (endStream) answer(ctx, streamId);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency, short weight,
                boolean exclusive, int padding, boolean endStream) {
            onHeadersRead(ctx, streamId, headers, padding, endStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            StringBuilder b = bodies.get(streamId);
            if (b != null) b.append(data.toString(StandardCharsets.UTF_8));
            if (endOfStream) answer(ctx, streamId);
            return data.readableBytes() + padding;
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            bodies.remove(streamId);
        }

        private void answer(ChannelHandlerContext ctx, int streamId) {
            StringBuilder b = bodies.remove(streamId);
            String body = b == null ? "" : b.toString();
            var encoder = handler.encoder();
            if (!wantsStream(body)) {
                encoder.writeHeaders(ctx, streamId, new DefaultHttp2Headers().status("400"), 0, false, ctx.newPromise());
                encoder.writeData(ctx, streamId, Unpooled.copiedBuffer("this upstream only streams", StandardCharsets.UTF_8), 0,
                        true, ctx.newPromise());
                return; // the read's end flushes
            }
            encoder.writeHeaders(ctx, streamId, new DefaultHttp2Headers().status("200").set("content-type", "text/event-stream"),
                    0, false, ctx.newPromise());
            boolean probe = isProbe(body);
            encoder.writeData(ctx, streamId, probe ? Unpooled.wrappedBuffer(FIRST.duplicate(), LAST.duplicate()) : FIRST.duplicate(),
                    0, probe, ctx.newPromise());
            if (probe) return;
            if (connection == null) connection = new H2Connection(ctx, handler);
            H2Connection conn = connection;
            Ticker.of(ctx.channel().eventLoop()).add(new OpenStream() {
                @Override
                boolean isOpen() {
                    if (!ctx.channel().isActive()) return false;
                    Http2Stream s = handler.connection().stream(streamId);
                    return s != null && s.state() == Http2Stream.State.HALF_CLOSED_REMOTE;
                }

                @Override
                void write(ByteBuf chunk, boolean last) {
                    encoder.writeData(ctx, streamId, chunk, 0, last, ctx.newPromise());
                }

                @Override
                Flushable connection() {
                    return conn;
                }
            });
        }
    }

    static final class H2Connection extends Flushable {
        final ChannelHandlerContext ctx;
        final Http2ConnectionHandler handler;

        H2Connection(ChannelHandlerContext ctx, Http2ConnectionHandler handler) {
            this.ctx = ctx;
            this.handler = handler;
        }

        @Override
        void flush() {
            handler.flush(ctx); // writes what flow control lets through, then flushes the socket once
        }
    }

    private static ByteBuf constant(String s) {
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(s.getBytes(StandardCharsets.UTF_8)));
    }
}
