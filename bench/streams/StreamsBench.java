import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Streaming load generator. Two modes:
 * <ul>
 *   <li>{@code ttft URL KEY COUNT}: COUNT streaming chat completions one after another on one kept-alive connection,
 *   after {@value #TTFT_WARMUP} unmeasured ones (this JVM's own code warms up, not only the target's); for each, the
 *   time from writing the request to the first read that carries body bytes (the stream's first SSE event; the role
 *   chunk from SlowStreamUpstream). The request asks for {@code max_tokens: 1}, which SlowStreamUpstream answers with
 *   a one-chunk stream. It runs on one Netty event loop, which writes each request as soon as the previous response
 *   ended (no other thread in the loop), and times the read before parsing it. Prints the median, p90 and p99.</li>
 *   <li>{@code hold URL KEY STREAMS RAMP_PER_SECOND MAX_SECONDS}: opens STREAMS concurrent streaming chat completions,
 *   RAMP_PER_SECOND new ones a second, and keeps each open until the upstream ends it. A stream stalls when more than
 *   1 s passes between two body chunks (from the first byte to the end). Stops after MAX_SECONDS whatever happens.
 *   Two readers: {@code -Dbench.reader=lazy} ({@link LazyReaders}: reads every socket with data every 20 ms, so it
 *   never waits in the kernel for a chunk) or {@code eager} (the default here; a Netty client that waits for each
 *   read, on {@code -Dbench.transport}).</li>
 * </ul>
 * Ends with one machine-readable line starting with {@code STREAMS}.
 *
 * <p>Run: {@code java -cp target/tokengate.jar bench/streams/StreamsBench.java hold http://127.0.0.1:8080/v1/chat/completions KEY 10000 500 120}
 */
public final class StreamsBench {
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final String PROBE = "{\"model\":\"bench-model\",\"max_tokens\":1,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream please\"}]}";
    private static final String BODY = "{\"model\":\"bench-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream please\"}]}";

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        URI url = URI.create(args[1]);
        String key = args[2];
        int count = Integer.parseInt(args[3]);
        if (mode.equals("hold")) {
            hold(url, key, count, Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            System.exit(0);
        }
        ttft(url, key, count);
        System.exit(0);
    }

    /**
     * The Netty transport named by {@code -Dbench.transport} (io_uring, epoll or nio; default io_uring), falling back to
     * epoll, then NIO, when this machine cannot run it, so the tool pays what the gateway pays per system call.
     */
    private record NettyTransport(Supplier<IoHandlerFactory> factory, Class<? extends Channel> channel) {
        static NettyTransport named(String wanted) {
            if (wanted.equals("io_uring") && IoUring.isAvailable()) return new NettyTransport(IoUringIoHandler::newFactory, IoUringSocketChannel.class);
            if (!wanted.equals("nio") && Epoll.isAvailable()) return new NettyTransport(EpollIoHandler::newFactory, EpollSocketChannel.class);
            return new NettyTransport(NioIoHandler::newFactory, NioSocketChannel.class);
        }
    }

    /** Unmeasured probes before the measured ones: the probe's own JIT, and the target's, warm up on them. */
    static final int TTFT_WARMUP = 500;
    private static final long PROBE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static void ttft(URI url, String key, int count) throws Exception {
        NettyTransport t = NettyTransport.named(System.getProperty("bench.transport", "io_uring"));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, t.factory.get());
        try {
            Probes probes = new Probes(group.next(), new Bootstrap().group(group).channel(t.channel).option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000).remoteAddress(url.getHost(), url.getPort()),
                    request(url, key, PROBE), TTFT_WARMUP, count);
            probes.loop.execute(probes::next);
            if (!probes.finished.await(TTFT_WARMUP + count + 60L, TimeUnit.SECONDS)) System.err.println("ttft: time limit reached");
            long[] micros = Arrays.copyOf(probes.micros, probes.measured);
            Arrays.sort(micros);
            int n = micros.length;
            System.out.printf("STREAMS mode=ttft n=%d errors=%d ttft_p50_us=%d ttft_p90_us=%d ttft_p99_us=%d%n", count,
                    count - n, n > 0 ? micros[n / 2] : -1, n > 0 ? micros[(int) (n * 0.9)] : -1,
                    n > 0 ? micros[Math.min(n - 1, (int) (n * 0.99))] : -1);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    /** A POST of {@code body} to {@code url}, as one buffer written again for every request. */
    private static ByteBuf request(URI url, String key, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(("POST " + url.getRawPath() + " HTTP/1.1\r\n"
                + "Content-Type: application/json\r\nAuthorization: Bearer " + key + "\r\ncontent-length: " + b.length
                + "\r\nhost: " + url.getHost() + ":" + url.getPort() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)).writeBytes(b));
    }

    /**
     * The ttft mode's probes, one at a time on one connection, all on one event loop: the next request is written when
     * the previous response ended. A response that is not a 200 stream, a broken connection or a probe without its end
     * within 10 s counts as an error, and the next probe goes on a new connection; ten errors in a row end the run (the
     * probes not sent count as errors too). One handler for every connection it opens (all on one loop), which reads
     * only the current one.
     */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class Probes extends ChannelInboundHandlerAdapter {
        final EventLoop loop;
        final Bootstrap bootstrap;
        final ByteBuf request;
        final int warmup;
        final int count;
        final long[] micros;
        final CountDownLatch finished = new CountDownLatch(1);
        int started;
        int measured;
        int errors;
        private int errorsInARow;
        private Channel channel;
        private final ChunkedResponse response = new ChunkedResponse();
        private long sentAt;
        private long firstAt;
        private io.netty.util.concurrent.ScheduledFuture<?> timeout;

        Probes(EventLoop loop, Bootstrap bootstrap, ByteBuf request, int warmup, int count) {
            this.loop = loop;
            this.bootstrap = bootstrap.clone().handler(this);
            this.request = request;
            this.warmup = warmup;
            this.count = count;
            this.micros = new long[count];
        }

        /** Sends the next probe, on a new connection when there is none. */
        void next() {
            if (started == warmup + count || errorsInARow == 10) {
                finished.countDown();
                return;
            }
            started++;
            if (channel == null || !channel.isActive()) {
                bootstrap.connect().addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        failed("connect: " + f.cause());
                        return;
                    }
                    channel = f.channel();
                    send();
                });
                return;
            }
            send();
        }

        private void send() {
            response.reset();
            firstAt = 0;
            Channel sentOn = channel;
            int probe = started;
            timeout = loop.schedule(() -> {
                if (probe == started && channel == sentOn) failed("no end of the response within 10 s");
            }, PROBE_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
            sentAt = System.nanoTime();
            channel.writeAndFlush(request.duplicate(), channel.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            long now = System.nanoTime(); // before any parsing: the read's arrival
            ByteBuf in = (ByteBuf) msg;
            try {
                if (ctx.channel() != channel || response.done()) return;
                if (response.parse(in) && firstAt == 0) firstAt = now;
            } finally {
                in.release();
            }
            if (response.status() > 0 && response.status() != 200) {
                failed("HTTP " + response.status());
            } else if (response.done() && firstAt == 0) {
                failed("a response without a body");
            } else if (response.done()) {
                timeout.cancel(false);
                errorsInARow = 0;
                if (started > warmup) micros[measured++] = (firstAt - sentAt) / 1000;
                next();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel && started > 0 && !response.done()) failed("connection closed before the end of the response");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == channel) failed(cause.toString());
        }

        private void failed(String why) {
            if (errors++ < 5) System.err.println("ttft probe error: " + why);
            errorsInARow++;
            if (timeout != null) timeout.cancel(false);
            Channel broken = channel;
            channel = null;
            if (broken != null) broken.close();
            next();
        }
    }

    /** Per-stream state, touched only on the stream's own event loop. */
    private static final class Stream {
        long sentAt;
        long firstAt;
        long lastAt;
        long maxGap;
        long chunks;

        /** Body bytes arrived at {@code now}: the first byte, or the end of a gap. */
        void arrived(long now) {
            if (firstAt == 0) firstAt = now;
            else maxGap = Math.max(maxGap, now - lastAt);
            lastAt = now;
            chunks++;
        }
    }

    /**
     * The hold mode's client, on Netty directly: one connection per stream, the request written once, and each read of
     * the response only timed and skimmed for the chunked framing (where the body ends). A Vert.x client decoded every
     * chunk into an HTTP object, a buffer and a handler call; as a measuring instrument on the gateway's cores it should
     * cost as little as it can. A read that carries body bytes is a chunk arrival (the gateway writes each event in one
     * write, so a read is an event unless the client fell behind, when the events in one read arrived together).
     */
    private static final class StreamReader extends ChannelInboundHandlerAdapter {
        private final Stream s;
        private final Hold hold;
        private final ChunkedResponse response = new ChunkedResponse();
        private boolean over;

        StreamReader(Stream s, Hold hold) {
            this.s = s;
            this.hold = hold;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (!over && response.parse(in)) s.arrived(System.nanoTime());
            } finally {
                in.release();
            }
            if (over) return;
            if (response.status() > 0 && response.status() != 200) {
                hold.failed("HTTP " + response.status());
                over = true;
            } else if (response.done()) {
                hold.ended();
                over = true; // counted once; the connection stays open until the end, as a pooled one would
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!over) hold.broke("connection closed before the end of the response");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!over) hold.broke(cause.toString());
            over = true;
            ctx.close();
        }
    }

    /**
     * An HTTP/1.1 response skimmed as its bytes arrive: the status code, the end of the headers, then the chunk sizes
     * and the last chunk (or the {@code content-length}, for a body sent whole, as a bare hop relays FixedUpstream's
     * stream), enough to know which bytes are body and where the response ends. Parsing stops at a status other than
     * 200 ({@link #status()} tells). {@link #reset()} readies it for the next response on the connection.
     */
    private static final class ChunkedResponse {
        private static final int STATUS = 0, HEADERS = 1, SIZE = 2, DATA = 3, TRAILER = 4, WHOLE = 5, DONE = 6, REFUSED = 7;
        private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
        private int state;
        private int statusCode;
        private int statusDigits;
        private int headerEnd; // how much of CRLF CRLF has been seen
        private long remaining; // bytes left of the current chunk, its CRLF included
        private boolean sizeSeen;
        private boolean inExtension;
        private int lineEnd;
        private int headerNameAt; // how much of the current header line matched "content-length:", -1 once it did not
        private long contentLength;

        ChunkedResponse() {
            reset();
        }

        void reset() {
            state = STATUS;
            statusCode = 0;
            statusDigits = -1;
            headerEnd = 0;
            remaining = 0;
            sizeSeen = false;
            inExtension = false;
            lineEnd = 0;
            headerNameAt = 0;
            contentLength = -1;
        }

        /** The status code once its three digits were read, else 0. */
        int status() {
            return statusDigits == 3 ? statusCode : 0;
        }

        /** True after the last chunk's empty line, or a refused status. */
        boolean done() {
            return state >= DONE;
        }

        /** Reads through the bytes; true when some of them were body (chunk data) bytes. */
        boolean parse(ByteBuf in) {
            boolean body = false;
            int i = in.readerIndex(), end = in.writerIndex();
            while (i < end && state < DONE) {
                switch (state) {
                    case STATUS -> { // "HTTP/1.1 200 ": the three digits after the first space
                        byte b = in.getByte(i++);
                        if (statusDigits < 0) {
                            if (b == ' ') statusDigits = 0;
                        } else if (statusDigits < 3) {
                            statusCode = statusCode * 10 + (b - '0');
                            if (++statusDigits == 3) state = statusCode == 200 ? HEADERS : REFUSED;
                        }
                    }
                    case HEADERS -> {
                        byte b = in.getByte(i++);
                        headerEnd = (b == '\r' && (headerEnd & 1) == 0) || (b == '\n' && (headerEnd & 1) == 1) ? headerEnd + 1
                                : b == '\r' ? 1 : 0;
                        if (b == '\n') {
                            headerNameAt = 0;
                        } else if (headerNameAt == CONTENT_LENGTH.length) {
                            if (b >= '0' && b <= '9') contentLength = Math.max(contentLength, 0) * 10 + (b - '0');
                        } else if (headerNameAt >= 0 && b != '\r') {
                            headerNameAt = Character.toLowerCase(b) == CONTENT_LENGTH[headerNameAt] ? headerNameAt + 1 : -1;
                        }
                        if (headerEnd == 4) {
                            remaining = Math.max(contentLength, 0);
                            state = contentLength < 0 ? SIZE : contentLength == 0 ? DONE : WHOLE;
                        }
                    }
                    case WHOLE -> {
                        int n = (int) Math.min(remaining, end - i);
                        body = true;
                        i += n;
                        remaining -= n;
                        if (remaining == 0) state = DONE;
                    }
                    case SIZE, TRAILER -> {
                        byte b = in.getByte(i++);
                        if (b == '\n') {
                            if (state == TRAILER) {
                                if (lineEnd == 0) state = DONE; // the empty line after the last chunk
                                lineEnd = 0;
                            } else if (remaining == 0 && sizeSeen) {
                                state = TRAILER;
                                lineEnd = 0;
                            } else if (sizeSeen) {
                                remaining += 2; // the data's CRLF
                                state = DATA;
                            }
                            sizeSeen = false;
                            inExtension = false;
                        } else if (state == TRAILER) {
                            if (b != '\r') lineEnd++;
                        } else if (b == ';') {
                            inExtension = true;
                        } else if (!inExtension && b != '\r') {
                            remaining = remaining * 16 + Character.digit(b, 16);
                            sizeSeen = true;
                        }
                    }
                    case DATA -> {
                        int n = (int) Math.min(remaining, end - i);
                        if (n > 0 && remaining > 2) body = true; // the last two are the data's CRLF
                        i += n;
                        remaining -= n;
                        if (remaining == 0) state = SIZE;
                    }
                    default -> throw new IllegalStateException();
                }
            }
            return body;
        }
    }

    /** The counters the streams report to. */
    private static final class Hold {
        final AtomicInteger active = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger errors = new AtomicInteger();
        final AtomicInteger peak = new AtomicInteger();
        final CountDownLatch finished;

        Hold(int streams) {
            finished = new CountDownLatch(streams);
        }

        void started() {
            peak.accumulateAndGet(active.incrementAndGet(), Math::max);
        }

        void ended() {
            active.decrementAndGet();
            done.incrementAndGet();
            finished.countDown();
        }

        void failed(String why) {
            if (errors.getAndIncrement() < 5) System.err.println("stream error: " + why);
            finished.countDown();
        }

        void broke(String why) {
            if (errors.getAndIncrement() < 5) System.err.println("stream broke: " + why);
            active.decrementAndGet();
            finished.countDown();
        }
    }

    private static void hold(URI url, String key, int streams, int rampPerSecond, int maxSeconds) throws Exception {
        if ("lazy".equals(System.getProperty("bench.reader", "eager"))) {
            LazyReaders.hold(url, key, streams, rampPerSecond, maxSeconds, Integer.getInteger("bench.lazy_ms", 20));
            return;
        }
        NettyTransport t = NettyTransport.named(System.getProperty("bench.transport", "io_uring"));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, t.factory.get());
        try {
            holdOn(group, t, url, key, streams, rampPerSecond, maxSeconds);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        }
    }

    private static void holdOn(EventLoopGroup group, NettyTransport t, URI url, String key, int streams, int rampPerSecond, int maxSeconds)
            throws Exception {
        ByteBuf request = request(url, key, BODY);
        Bootstrap bootstrap = new Bootstrap().group(group).channel(t.channel).option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000).remoteAddress(url.getHost(), url.getPort());
        Stream[] all = new Stream[streams];
        AtomicInteger opened = new AtomicInteger();
        Hold hold = new Hold(streams);
        int perTick = Math.max(1, rampPerSecond / 20);
        long start = System.nanoTime();
        EventLoop ramp = group.next();
        ramp.scheduleAtFixedRate(() -> {
            for (int k = 0; k < perTick; k++) {
                int i = opened.getAndIncrement();
                if (i >= streams) throw new CancellationException("all opened"); // ends the periodic task
                Stream s = all[i] = new Stream();
                s.sentAt = System.nanoTime();
                bootstrap.clone().handler(new StreamReader(s, hold)).connect().addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        hold.failed(f.cause().toString());
                        return;
                    }
                    hold.started();
                    f.channel().writeAndFlush(request.duplicate(), f.channel().voidPromise());
                });
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        awaitAndReport(all, hold, opened, streams, start, maxSeconds);
    }

    /** Waits for every stream to end (or MAX_SECONDS), then prints the report and the {@code STREAMS} line. */
    private static void awaitAndReport(Stream[] all, Hold hold, AtomicInteger opened, int streams, long start, int maxSeconds)
            throws InterruptedException {
        AtomicInteger active = hold.active, done = hold.done, errors = hold.errors;
        CountDownLatch finished = hold.finished;
        long cpuAtStart = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        long reportEvery = TimeUnit.SECONDS.toNanos(5);
        long nextReport = start + reportEvery;
        long deadline = start + TimeUnit.SECONDS.toNanos(maxSeconds);
        while (!finished.await(200, TimeUnit.MILLISECONDS)) {
            long now = System.nanoTime();
            if (now >= nextReport) {
                System.err.printf("t=%ds opened=%d active=%d done=%d errors=%d%n", TimeUnit.NANOSECONDS.toSeconds(now - start),
                        Math.min(opened.get(), streams), active.get(), done.get(), errors.get());
                nextReport += reportEvery;
            }
            if (now >= deadline) {
                System.err.println("time limit reached; counting the streams still open as unfinished");
                break;
            }
        }
        Thread.sleep(300);
        System.err.printf("hold cpu_s=%.2f (this process, from the first stream opened)%n",
                (((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() - cpuAtStart) / 1e9);
        long arrivals = 0;
        for (Stream s : all) arrivals += s == null ? 0 : s.chunks;
        System.err.println("chunk arrivals (reads with body bytes): " + arrivals);
        int stalls = 0, unfinished = 0;
        long[] ttft = new long[streams];
        long[] gaps = new long[streams];
        int n = 0;
        long maxGap = 0;
        for (Stream s : all) {
            if (s == null || s.firstAt == 0) {
                unfinished++;
                continue;
            }
            ttft[n] = (s.firstAt - s.sentAt) / 1_000_000;
            gaps[n++] = s.maxGap / 1_000_000;
            if (s.maxGap > STALL_NANOS) stalls++;
            maxGap = Math.max(maxGap, s.maxGap);
        }
        Arrays.sort(ttft, 0, n);
        Arrays.sort(gaps, 0, n);
        System.out.printf("STREAMS mode=hold n=%d completed=%d peak_concurrent=%d stalls=%d errors=%d no_first_byte=%d "
                        + "ttft_p50_ms=%d ttft_p99_ms=%d max_gap_p50_ms=%d max_gap_p99_ms=%d max_gap_max_ms=%d%n",
                streams, done.get(), hold.peak.get(), stalls, errors.get(), unfinished,
                n > 0 ? ttft[n / 2] : -1, n > 0 ? ttft[Math.min(n - 1, (int) (n * 0.99))] : -1,
                n > 0 ? gaps[n / 2] : -1, n > 0 ? gaps[Math.min(n - 1, (int) (n * 0.99))] : -1, maxGap / 1_000_000);
    }

    /**
     * The hold mode with lazy readers ({@code -Dbench.reader=lazy}): two threads, each owning half the streams on a
     * selector of its own, each pass opening the connections the ramp has due, reading every socket that has data, then
     * sleeping until {@code -Dbench.lazy_ms} (20) after the pass began. So the load generator never waits in the
     * kernel for a chunk: the gateway's write of a chunk finds no reader to wake (as with a client on another machine,
     * which costs the gateway no wake-up), and the generator takes less of the cores it shares with the gateway. Chunk
     * arrivals are timed to the pass that read them, so a gap is measured to within one pass; a stall (a gap over 1 s)
     * is still a stall.
     */
    private static final class LazyReaders {
        private static final int THREADS = 2;

        private record Conn(Stream stream, ChunkedResponse response, ByteBuffer request) {}

        static void hold(URI url, String key, int streams, int rampPerSecond, int maxSeconds, int lazyMs) throws Exception {
            ByteBuf requestBuf = request(url, key, BODY);
            byte[] request = new byte[requestBuf.readableBytes()];
            requestBuf.getBytes(requestBuf.readerIndex(), request);
            InetSocketAddress address = new InetSocketAddress(url.getHost(), url.getPort());
            Stream[] all = new Stream[streams];
            AtomicInteger opened = new AtomicInteger();
            Hold hold = new Hold(streams);
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(maxSeconds);
            for (int t = 0; t < THREADS; t++) {
                int first = t;
                Thread.ofPlatform().daemon().name("lazy-reader-" + t).start(() -> {
                    try {
                        run(first, address, request, all, opened, hold, rampPerSecond, start, deadline, lazyMs);
                    } catch (IOException e) {
                        System.err.println("lazy reader failed: " + e);
                    }
                });
            }
            awaitAndReport(all, hold, opened, streams, start, maxSeconds);
        }

        /** One reader: the streams {@code first}, {@code first + THREADS}, ... */
        private static void run(int first, InetSocketAddress address, byte[] request, Stream[] all, AtomicInteger opened,
                                Hold hold, int rampPerSecond, long start, long deadline, int lazyMs) throws IOException {
            long passNanos = TimeUnit.MILLISECONDS.toNanos(lazyMs);
            ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
            ByteBuf view = Unpooled.wrappedBuffer(in);
            int next = first;
            try (Selector selector = Selector.open()) {
                while (System.nanoTime() < deadline && hold.finished.getCount() > 0) {
                    long passStart = System.nanoTime();
                    long due = Math.min(all.length, (passStart - start) * rampPerSecond / 1_000_000_000L + 1);
                    for (; next < due; next += THREADS) open(selector, address, request, all, next, opened, hold);
                    selector.selectNow();
                    long now = System.nanoTime();
                    for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                        SelectionKey k = it.next();
                        it.remove();
                        Conn c = (Conn) k.attachment();
                        try {
                            if (k.isConnectable()) connected(k, c, hold);
                            else if (k.isWritable()) sendRest(k, c);
                            else if (k.isReadable()) read(k, c, in, view, now, hold);
                        } catch (IOException e) {
                            k.cancel();
                            k.channel().close();
                            if (!c.response().done()) hold.broke(e.toString());
                        }
                    }
                    long sleep = passStart + passNanos - System.nanoTime();
                    if (sleep > 0) LockSupport.parkNanos(sleep);
                }
                for (SelectionKey k : selector.keys()) k.channel().close();
            }
        }

        private static void open(Selector selector, InetSocketAddress address, byte[] request, Stream[] all, int i,
                                 AtomicInteger opened, Hold hold) {
            opened.incrementAndGet();
            Stream s = all[i] = new Stream();
            s.sentAt = System.nanoTime();
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Conn c = new Conn(s, new ChunkedResponse(), ByteBuffer.wrap(request));
                if (ch.connect(address)) {
                    SelectionKey k = ch.register(selector, 0, c);
                    hold.started();
                    sendRest(k, c);
                } else {
                    ch.register(selector, SelectionKey.OP_CONNECT, c);
                }
            } catch (IOException e) {
                closeQuietly(ch);
                hold.failed(e.toString());
            }
        }

        /** A connection that could not be made fails its stream (it never started, so it is not a broken one). */
        private static void connected(SelectionKey k, Conn c, Hold hold) throws IOException {
            try {
                ((SocketChannel) k.channel()).finishConnect();
            } catch (IOException e) {
                k.cancel();
                closeQuietly(k.channel());
                hold.failed(e.toString());
                return;
            }
            hold.started();
            sendRest(k, c);
        }

        private static void closeQuietly(java.nio.channels.Channel ch) {
            try {
                if (ch != null) ch.close();
            } catch (IOException ignored) {
                // closing a socket that failed: nothing more to report
            }
        }

        /** Writes what is left of the request; waits for the socket to take the rest if it did not take it all. */
        private static void sendRest(SelectionKey k, Conn c) throws IOException {
            ((SocketChannel) k.channel()).write(c.request());
            k.interestOps(c.request().hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        private static void read(SelectionKey k, Conn c, ByteBuffer in, ByteBuf view, long now, Hold hold) throws IOException {
            SocketChannel ch = (SocketChannel) k.channel();
            ChunkedResponse response = c.response();
            boolean body = false;
            int n;
            while ((n = ch.read(in.clear())) > 0) {
                if (response.done()) continue; // read and dropped: the stream was counted
                body |= response.parse(view.setIndex(0, n));
                if (n < in.capacity()) break; // the socket is drained for this pass
            }
            if (body) c.stream().arrived(now);
            if (response.status() > 0 && response.status() != 200) {
                hold.failed("HTTP " + response.status());
                k.cancel();
                ch.close();
            } else if (response.done()) {
                hold.ended();
                k.interestOps(0); // counted once; the connection stays open until the end, as a pooled one would
            } else if (n < 0) {
                hold.broke("connection closed before the end of the response");
                k.cancel();
                ch.close();
            }
        }
    }
}
