import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;

/**
 * A fast OpenAI-compatible upstream for the benchmark: POST /v1/chat/completions answers a fixed small chat completion
 * (with usage), or a fixed SSE stream when the body asks for "stream": true. It never parses the request body, so that
 * the upstream costs as little CPU as possible on a machine it shares with the load generator and the gateway.
 *
 * <p>Run: {@code java -cp target/tokengate.jar bench/upstream/FixedUpstream.java PORT [HOST]}
 */
public final class FixedUpstream {
    private static final String MODEL = "bench-model";
    private static final String ID = "chatcmpl-bench0000000000000000000001";
    private static final long CREATED = 1_763_700_000L;

    private static final Buffer COMPLETION = buffer("{\"id\":\"" + ID + "\",\"object\":\"chat.completion\",\"created\":" + CREATED
            + ",\"model\":\"" + MODEL + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Hello from the fixed benchmark upstream.\",\"refusal\":null},\"logprobs\":null,"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8,\"total_tokens\":20},"
            + "\"system_fingerprint\":\"fp_bench\"}");

    private static final String CHUNK_HEAD = "data: {\"id\":\"" + ID + "\",\"object\":\"chat.completion.chunk\",\"created\":"
            + CREATED + ",\"model\":\"" + MODEL + "\",\"system_fingerprint\":\"fp_bench\",";
    private static final String STREAM_BODY = CHUNK_HEAD
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
            + CHUNK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello from the fixed \"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
            + CHUNK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"benchmark upstream.\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
            + CHUNK_HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n";
    private static final Buffer STREAM = buffer(STREAM_BODY + "data: [DONE]\n\n");
    private static final Buffer STREAM_WITH_USAGE = buffer(STREAM_BODY + CHUNK_HEAD
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8,\"total_tokens\":20}}\n\ndata: [DONE]\n\n");
    private static final Buffer NOT_FOUND = buffer(
            "{\"error\":{\"message\":\"Unknown route\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"unknown_route\"}}");

    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
    private static final CharSequence NO_CACHE = HttpHeaders.createOptimized("no-cache");

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: FixedUpstream PORT [HOST]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        int loops = Runtime.getRuntime().availableProcessors();
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
        vertx.deployVerticle(() -> new Server(host, port), new DeploymentOptions().setInstances(loops)).onComplete(ar -> {
            if (ar.succeeded()) {
                System.out.println("FixedUpstream listening on http://" + host + ":" + port + " (" + loops + " event loops)");
            } else {
                System.err.println("FixedUpstream failed to start: " + ar.cause());
                System.exit(1);
            }
        });
    }

    /** One HTTP server per event loop, all sharing the port. */
    static final class Server extends VerticleBase {
        private final String host;
        private final int port;

        Server(String host, int port) {
            this.host = host;
            this.port = port;
        }

        @Override
        public Future<?> start() {
            HttpServerOptions opts = new HttpServerOptions().setHost(host).setPort(port).setTcpNoDelay(true)
                    .setCompressionSupported(false).setIdleTimeout(0);
            return vertx.createHttpServer(opts).requestHandler(FixedUpstream::handle).listen();
        }
    }

    private static void handle(HttpServerRequest req) {
        if (req.method() != HttpMethod.POST || !req.path().equals("/v1/chat/completions")) {
            req.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(NOT_FOUND);
            return;
        }
        req.body().onSuccess(body -> {
            if (asksForStream(body)) {
                MultiMap h = req.response().headers();
                h.set(HttpHeaders.CONTENT_TYPE, EVENT_STREAM);
                h.set(HttpHeaders.CACHE_CONTROL, NO_CACHE);
                req.response().setChunked(true);
                req.response().end(contains(body, "include_usage\":true") || contains(body, "include_usage\": true")
                        ? STREAM_WITH_USAGE : STREAM);
            } else {
                req.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(COMPLETION);
            }
        });
    }

    private static boolean asksForStream(Buffer body) {
        return contains(body, "\"stream\":true") || contains(body, "\"stream\": true");
    }

    private static boolean contains(Buffer body, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        int last = body.length() - n.length;
        outer:
        for (int i = 0; i <= last; i++) {
            for (int k = 0; k < n.length; k++) {
                if (body.getByte(i + k) != n[k]) continue outer;
            }
            return true;
        }
        return false;
    }

    private static Buffer buffer(String s) {
        return Buffer.buffer(s.getBytes(StandardCharsets.UTF_8));
    }
}
