import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.transport.Transport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A slow OpenAI-compatible streaming upstream for the streaming benchmark: POST /v1/chat/completions answers an SSE
 * stream whose first chunk (the role) goes out at once, then one content chunk every INTERVAL_MS for SECONDS, then the
 * finish chunk, a usage chunk and [DONE]. One periodic timer per event loop feeds every stream open on that loop, so
 * 10,000 streams cost 2 timers, not 10,000, and the upstream stays cheap next to the gateway it feeds. A request with
 * {@code "max_tokens":1} gets the first chunk and the end at once (the time-to-first-token probe). It speaks HTTP/1.1
 * and HTTP/2 over cleartext (h2c with prior knowledge, as the gateway's {@code http2: true} deployments send), with at
 * most 100 concurrent streams per connection, the limit most HTTP/2 servers announce.
 *
 * <p>Run: {@code java -cp target/tokengate.jar bench/upstream/SlowStreamUpstream.java PORT INTERVAL_MS SECONDS}
 */
public final class SlowStreamUpstream {
    private static final String HEAD = "data: {\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\",\"created\":1763700000,"
            + "\"model\":\"bench-model\",\"choices\":[";
    private static final Buffer FIRST = buffer(HEAD + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
    private static final Buffer TOKEN = buffer(HEAD + "{\"index\":0,\"delta\":{\"content\":\"tok \"},\"finish_reason\":null}]}\n\n");
    private static final Buffer LAST = buffer(HEAD + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + HEAD + "],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":100,\"total_tokens\":112}}\n\ndata: [DONE]\n\n");

    private static final java.util.regex.Pattern PROBE = java.util.regex.Pattern.compile("\"max_(completion_)?tokens\":1[,}]");

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

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int intervalMs = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int loops = Runtime.getRuntime().availableProcessors();
        Vertx vertx = vertxOn(new VertxOptions().setEventLoopPoolSize(loops));
        vertx.deployVerticle(() -> new Server(port, intervalMs, seconds * 1000L), new DeploymentOptions().setInstances(loops))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        System.err.println("SlowStreamUpstream failed to start: " + ar.cause());
                        System.exit(1);
                    }
                    System.out.println("SlowStreamUpstream on :" + port + " (HTTP/1.1 and h2c), a chunk every " + intervalMs + " ms for "
                            + seconds + " s");
                });
    }

    private record Stream(HttpServerResponse response, long endsAt) {}

    static final class Server extends VerticleBase {
        private final int port;
        private final int intervalMs;
        private final long durationMs;
        private List<Stream> open = new ArrayList<>();

        Server(int port, int intervalMs, long durationMs) {
            this.port = port;
            this.intervalMs = intervalMs;
            this.durationMs = durationMs;
        }

        @Override
        public Future<?> start() {
            vertx.setPeriodic(intervalMs, id -> tick());
            return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setTcpNoDelay(true)
                    .setAcceptBacklog(16384).setIdleTimeout(0).setHttp2ClearTextEnabled(true)
                    .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(100)))
                    .requestHandler(this::handle).listen();
        }

        private void handle(HttpServerRequest req) {
            req.body().onSuccess(body -> {
                HttpServerResponse r = req.response();
                if (!body.toString().contains("\"stream\":true")) {
                    r.setStatusCode(400).end("this upstream only streams");
                    return;
                }
                r.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream").write(FIRST);
                if (PROBE.matcher(body.toString()).find()) { // a one-token stream: the TTFT probe
                    r.end(LAST);
                    return;
                }
                open.add(new Stream(r, System.currentTimeMillis() + durationMs));
            });
        }

        private void tick() {
            long now = System.currentTimeMillis();
            List<Stream> still = new ArrayList<>(open.size());
            for (Stream s : open) {
                if (s.response().closed()) continue;
                if (now >= s.endsAt()) {
                    s.response().end(LAST);
                } else {
                    s.response().write(TOKEN);
                    still.add(s);
                }
            }
            open = still;
        }
    }

    private static Buffer buffer(String s) {
        return Buffer.buffer(s.getBytes(StandardCharsets.UTF_8));
    }
}
