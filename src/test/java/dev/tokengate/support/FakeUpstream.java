package dev.tokengate.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An OpenAI-compatible upstream on a free 127.0.0.1 port that tests script reply by reply: JSON answers, error statuses,
 * SSE streams written frame by frame (optionally held at a gate, reset, or left hanging), or no answer at all. It records
 * every request it receives, and notices when the caller closes a connection before the reply ended.
 */
public final class FakeUpstream implements AutoCloseable {
    private static final Reply DEFAULT_REPLY = Reply.json(200, Fixtures.text("openai/completion-text.json"));
    private final Vertx vertx;
    private final HttpServer server;
    private final ConcurrentLinkedQueue<Reply> next = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Reply fallback = DEFAULT_REPLY;

    private FakeUpstream(Vertx vertx) {
        this.vertx = vertx;
        this.server = vertx.createHttpServer().requestHandler(this::handle);
    }

    public static FakeUpstream start() {
        FakeUpstream upstream = new FakeUpstream(Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1)));
        await(upstream.server.listen(0, "127.0.0.1"));
        return upstream;
    }

    /** The base URL to configure as a deployment's {@code base_url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    /** A base URL under another path prefix, so one upstream can stand for several deployments that tests tell apart. */
    public String baseUrl(String mount) {
        return "http://127.0.0.1:" + server.actualPort() + "/" + mount + "/v1";
    }

    /** A base URL on which nothing listens: connections are refused. */
    public static String refusingBaseUrl() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort() + "/v1";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Forgets recorded requests and queued replies; the fallback answers with the recorded text completion again. */
    public void reset() {
        next.clear();
        received.clear();
        fallback = DEFAULT_REPLY;
    }

    /** Every request that has no queued reply gets this one. */
    public FakeUpstream always(Reply reply) {
        fallback = reply;
        return this;
    }

    /** Queues a reply for the next request that arrives; queued replies are used in order, before the fallback. */
    public FakeUpstream then(Reply reply) {
        next.add(reply);
        return this;
    }

    public List<Received> requests() {
        return List.copyOf(received);
    }

    public Received onlyRequest() {
        if (received.size() != 1) throw new AssertionError("expected exactly one upstream request, got " + received.size());
        return received.get(0);
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            Map<String, String> headers = new LinkedHashMap<>();
            req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            Received r = new Received(req.method().name(), req.path(), headers, body.toString(), req.remoteAddress().port(),
                    req.version(), new CompletableFuture<>());
            received.add(r);
            HttpServerResponse resp = req.response();
            resp.closeHandler(v -> {
                if (!resp.ended()) r.abandoned.complete(null);
            });
            Reply reply = next.poll();
            play(reply == null ? fallback : reply, req, resp);
        });
    }

    private void play(Reply reply, HttpServerRequest req, HttpServerResponse resp) {
        switch (reply) {
            case Reply.Body b -> {
                b.headers().forEach(resp::putHeader);
                resp.setStatusCode(b.status()).putHeader("Content-Type", b.contentType()).end(b.body());
            }
            case Reply.Silent s -> { }
            case Reply.Delayed d -> vertx.setTimer(d.millis(), t -> play(d.then(), req, resp));
            case Reply.Chunked c -> {
                resp.setStatusCode(200).setChunked(true).putHeader("Content-Type", c.contentType());
                runSteps(c.steps().iterator(), req, resp);
            }
        }
    }

    private void runSteps(Iterator<Step> steps, HttpServerRequest req, HttpServerResponse resp) {
        while (steps.hasNext()) {
            if (resp.closed()) return;
            switch (steps.next()) {
                case Step.Write w -> resp.write(w.text());
                case Step.Await a -> {
                    Future.fromCompletionStage(a.gate(), vertx.getOrCreateContext())
                            .onComplete(ar -> runSteps(steps, req, resp));
                    return;
                }
                case Step.Pause p -> {
                    vertx.setTimer(p.millis(), t -> runSteps(steps, req, resp));
                    return;
                }
                case Step.Reset r -> {
                    req.connection().close();
                    return;
                }
                case Step.Hang h -> {
                    return;
                }
            }
        }
        resp.end();
    }

    @Override
    public void close() {
        await(vertx.close());
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One request as the upstream saw it. Header names are lower-cased; {@code clientPort} tells connections apart (the
     * same port means the caller reused a kept-alive connection, or, over HTTP/2, sent the request as another stream on
     * one); {@code version} is the protocol it came in (the upstream accepts HTTP/1.1 and h2c with prior knowledge).
     */
    public record Received(String method, String path, Map<String, String> headers, String body, int clientPort,
                           HttpVersion version, CompletableFuture<Void> abandoned) {
        public JsonNode json() {
            JsonNode n = Json.parseOrNull(body);
            if (n == null) throw new AssertionError("upstream request body is not JSON: " + body);
            return n;
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** Waits until the caller closed the connection (over HTTP/2: reset the stream) before the reply ended. */
        public void awaitAbandoned() {
            try {
                abandoned.get(10, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the caller never closed the upstream request " + path);
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** What the upstream answers to one request. */
    public sealed interface Reply {
        record Body(int status, String contentType, String body, Map<String, String> headers) implements Reply {
            public Body withHeader(String name, String value) {
                Map<String, String> h = new LinkedHashMap<>(headers);
                h.put(name, value);
                return new Body(status, contentType, body, Map.copyOf(h));
            }
        }

        /** Reads the request and never answers: no status line, no headers. */
        record Silent() implements Reply {}

        record Delayed(long millis, Reply then) implements Reply {}

        /** A 200 written piece by piece: an SSE stream, or a plain body that stalls half-way. */
        record Chunked(String contentType, List<Step> steps) implements Reply {}

        static Body json(int status, String body) {
            return new Body(status, "application/json", body, Map.of());
        }

        /** An error status with OpenAI's error body. */
        static Body error(int status, String type, String message, String code) {
            var err = Json.object();
            err.putObject("error").put("message", message).put("type", type).putNull("param").put("code", code);
            return json(status, Json.text(err));
        }

        static Reply silent() {
            return new Silent();
        }

        /** Closes the connection without sending a single byte of response. */
        static Reply hangUp() {
            return new Chunked("text/plain", List.of(new Step.Reset()));
        }

        static Reply delayed(long millis, Reply then) {
            return new Delayed(millis, then);
        }

        static StreamBuilder sse() {
            return new StreamBuilder("text/event-stream");
        }

        static StreamBuilder chunked(String contentType) {
            return new StreamBuilder(contentType);
        }

        /** Replays a recorded SSE stream event by event (one write per event, blank-line separated). */
        static Chunked sseFixture(String resource) {
            StreamBuilder b = sse();
            for (String event : Fixtures.sseEvents(resource)) b.raw(event + "\n\n");
            return b.build();
        }
    }

    public sealed interface Step {
        record Write(String text) implements Step {}

        /** Holds the rest of the stream until the gate completes. */
        record Await(CompletionStage<?> gate) implements Step {}

        /** Waits before the next write: a slow upstream. */
        record Pause(long millis) implements Step {}

        /** Closes the connection in the middle of the response. */
        record Reset() implements Step {}

        /** Stops writing and leaves the response open. */
        record Hang() implements Step {}
    }

    /** Builds a chunked reply; each step is one write on the wire. Without reset or hang the response ends normally. */
    public static final class StreamBuilder {
        private final String contentType;
        private final List<Step> steps = new ArrayList<>();

        private StreamBuilder(String contentType) {
            this.contentType = contentType;
        }

        public StreamBuilder data(String json) {
            return raw("data: " + json + "\n\n");
        }

        public StreamBuilder raw(String text) {
            steps.add(new Step.Write(text));
            return this;
        }

        public StreamBuilder done() {
            return raw("data: [DONE]\n\n");
        }

        public StreamBuilder pause(long millis) {
            steps.add(new Step.Pause(millis));
            return this;
        }

        public StreamBuilder waitFor(CompletionStage<?> gate) {
            steps.add(new Step.Await(gate));
            return this;
        }

        public Reply.Chunked reset() {
            steps.add(new Step.Reset());
            return build();
        }

        public Reply.Chunked hang() {
            steps.add(new Step.Hang());
            return build();
        }

        public Reply.Chunked build() {
            return new Reply.Chunked(contentType, List.copyOf(steps));
        }
    }
}
