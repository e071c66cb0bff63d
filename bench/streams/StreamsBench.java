import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.transport.Transport;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streaming load generator. Two modes:
 * <ul>
 *   <li>{@code ttft URL KEY COUNT}: COUNT streaming chat completions one after another; for each, the time from sending
 *   the request to the first body byte; the
 *   request asks for {@code max_tokens: 1}, which SlowStreamUpstream answers with a one-chunk stream, so the connections
 *   on both hops stay open and are reused, as a client's would be. Prints the median and p99.</li>
 *   <li>{@code hold URL KEY STREAMS RAMP_PER_SECOND MAX_SECONDS}: opens STREAMS concurrent streaming chat completions,
 *   RAMP_PER_SECOND new ones a second, and keeps each open until the upstream ends it. A stream stalls when more than
 *   1 s passes between two body chunks (from the first byte to the end). Stops after MAX_SECONDS whatever happens.</li>
 * </ul>
 * Ends with one machine-readable line starting with {@code STREAMS}.
 *
 * <p>Run: {@code java -cp target/tokengate.jar bench/streams/StreamsBench.java hold http://127.0.0.1:8080/v1/chat/completions KEY 10000 500 120}
 */
public final class StreamsBench {
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final String PROBE = "{\"model\":\"bench-model\",\"max_tokens\":1,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream please\"}]}";
    private static final String BODY = "{\"model\":\"bench-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"stream please\"}]}";

    /**
     * The event loops on the transport named by {@code -Dbench.transport} (io_uring, epoll or nio; default io_uring),
     * falling back to the next one when this machine cannot run it, so the tools pay what the gateway pays per system call.
     */
    static Vertx vertxOn(VertxOptions options) {
        String wanted = System.getProperty("bench.transport", "io_uring");
        List<Transport> order = switch (wanted) {
            case "nio" -> List.of(Transport.NIO);
            case "epoll" -> java.util.Arrays.asList(Transport.EPOLL, Transport.NIO);
            default -> java.util.Arrays.asList(Transport.IO_URING, Transport.EPOLL, Transport.NIO);
        };
        for (Transport t : order) {
            if (t != null && t.available()) return Vertx.builder().with(options).withTransport(t).build();
        }
        return Vertx.vertx(options);
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        URI url = URI.create(args[1]);
        String key = args[2];
        int count = Integer.parseInt(args[3]);
        Vertx vertx = vertxOn(new VertxOptions().setEventLoopPoolSize(2));
        HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(30_000).setKeepAlive(true)
                        .setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(Math.max(count, 1)).setMaxWaitQueueSize(-1));
        RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost()).setPort(url.getPort())
                .setURI(url.getRawPath()).putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer " + key);
        try {
            if (mode.equals("ttft")) ttft(client, req, count);
            else hold(vertx, client, req, count, Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        } finally {
            vertx.close().await();
        }
        System.exit(0);
    }

    private static void ttft(HttpClientAgent client, RequestOptions req, int count) throws Exception {
        long[] micros = new long[count];
        int errors = 0;
        for (int i = 0; i < count; i++) {
            CountDownLatch first = new CountDownLatch(1);
            long[] at = new long[1];
            long t0 = System.nanoTime();
            client.request(req).compose(r -> r.send(Buffer.buffer(PROBE))).onComplete(ar -> {
                if (ar.failed() || ar.result().statusCode() != 200) {
                    first.countDown();
                    return;
                }
                ar.result().handler(b -> {
                    if (at[0] == 0) at[0] = System.nanoTime() - t0;
                });
                ar.result().endHandler(v -> first.countDown());
            });
            if (!first.await(10, TimeUnit.SECONDS) || at[0] == 0) errors++;
            micros[i] = at[0] / 1000;
        }
        Arrays.sort(micros);
        System.out.printf("STREAMS mode=ttft n=%d errors=%d ttft_p50_us=%d ttft_p90_us=%d ttft_p99_us=%d%n", count, errors,
                micros[count / 2], micros[(int) (count * 0.9)], micros[Math.min(count - 1, (int) (count * 0.99))]);
    }

    /** Per-stream state, touched only on the stream's own event loop. */
    private static final class Stream {
        long sentAt;
        long firstAt;
        long lastAt;
        long maxGap;
        long chunks;
    }

    private static void hold(Vertx vertx, HttpClientAgent client, RequestOptions req, int streams, int rampPerSecond, int maxSeconds)
            throws Exception {
        Stream[] all = new Stream[streams];
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger active = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(streams);
        int perTick = Math.max(1, rampPerSecond / 20);
        long start = System.nanoTime();
        vertx.setPeriodic(50, id -> {
            for (int k = 0; k < perTick; k++) {
                int i = opened.getAndIncrement();
                if (i >= streams) {
                    vertx.cancelTimer(id);
                    return;
                }
                Stream s = all[i] = new Stream();
                s.sentAt = System.nanoTime();
                client.request(req).compose(r -> r.send(Buffer.buffer(BODY))).onComplete(ar -> {
                    if (ar.failed() || ar.result().statusCode() != 200) {
                        if (errors.getAndIncrement() < 5) {
                            System.err.println("stream error: " + (ar.failed() ? ar.cause() : "HTTP " + ar.result().statusCode()));
                        }
                        finished.countDown();
                        return;
                    }
                    peak.accumulateAndGet(active.incrementAndGet(), Math::max);
                    var resp = ar.result();
                    resp.handler(b -> {
                        long now = System.nanoTime();
                        if (s.firstAt == 0) s.firstAt = now;
                        else s.maxGap = Math.max(s.maxGap, now - s.lastAt);
                        s.lastAt = now;
                        s.chunks++;
                    });
                    resp.exceptionHandler(e -> {
                        if (errors.getAndIncrement() < 5) System.err.println("stream broke: " + e);
                    });
                    resp.endHandler(v -> {
                        active.decrementAndGet();
                        done.incrementAndGet();
                        finished.countDown();
                    });
                });
            }
        });
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
                streams, done.get(), peak.get(), stalls, errors.get(), unfinished,
                n > 0 ? ttft[n / 2] : -1, n > 0 ? ttft[Math.min(n - 1, (int) (n * 0.99))] : -1,
                n > 0 ? gaps[n / 2] : -1, n > 0 ? gaps[Math.min(n - 1, (int) (n * 0.99))] : -1, maxGap / 1_000_000);
    }
}
