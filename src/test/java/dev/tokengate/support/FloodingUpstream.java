package dev.tokengate.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible upstream (HTTP/1.1 and h2c with prior knowledge) that answers every chat request with a long
 * SSE stream written as fast as its caller takes it: it writes while its connection has room and waits for a drain when
 * it has none, as a real server under flow control does. Each content chunk starts with its number as a marker
 * ({@code <000042>}), so a reader can check it got every chunk in order; the usage chunk reports
 * {@value #PROMPT_TOKENS} prompt tokens and one completion token per chunk. Each stream's progress is recorded.
 */
public final class FloodingUpstream implements AutoCloseable {
    public static final int PROMPT_TOKENS = 11;
    private static final Pattern MARKER = Pattern.compile("<(\\d{6})>");
    // the upstream's own kernel send buffer, kept small so what it managed to write tells what the gateway took
    private static final int SEND_BUFFER_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final HttpServer server;
    private final int chunks;
    private final String filler;
    private final List<Flow> flows = new CopyOnWriteArrayList<>();

    /** What one stream did: chunks written, whether it waits for the caller to drain, how it ended. */
    public static final class Flow {
        private final AtomicInteger written = new AtomicInteger();
        private volatile boolean waitingForDrain;
        private final CompletableFuture<Void> finished = new CompletableFuture<>();
        private final CompletableFuture<Void> abandoned = new CompletableFuture<>();

        public int written() {
            return written.get();
        }

        public boolean waitingForDrain() {
            return waitingForDrain;
        }

        public boolean finished() {
            return finished.isDone();
        }

        /** Waits until the caller reset the stream (HTTP/2) or closed the connection (HTTP/1.1) before it ended. */
        public void awaitAbandoned() {
            try {
                abandoned.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the caller never released the upstream stream; it wrote " + written() + " chunks");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private FloodingUpstream(int chunks, int chunkChars) {
        this.chunks = chunks;
        this.filler = " flood".repeat(Math.max(0, (chunkChars - 8) / 6));
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        this.server = vertx.createHttpServer(new HttpServerOptions().setSendBufferSize(SEND_BUFFER_BYTES)).requestHandler(this::handle);
    }

    /** @param chunks content chunks per stream; @param chunkChars about how many characters of content each holds */
    public static FloodingUpstream start(int chunks, int chunkChars) {
        FloodingUpstream upstream = new FloodingUpstream(chunks, chunkChars);
        await(upstream.server.listen(0, "127.0.0.1"));
        return upstream;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    public int chunks() {
        return chunks;
    }

    /** The content of chunk {@code i}, marker included. */
    public String content(int i) {
        return String.format("<%06d>", i) + filler;
    }

    /** The chunk numbers found in {@code text} (any framing), in the order they appear. */
    public static List<Integer> markers(CharSequence text) {
        List<Integer> found = new java.util.ArrayList<>();
        Matcher m = MARKER.matcher(text);
        while (m.find()) found.add(Integer.parseInt(m.group(1)));
        return found;
    }

    public List<Flow> flows() {
        return List.copyOf(flows);
    }

    public Flow onlyFlow() {
        if (flows.size() != 1) throw new AssertionError("expected exactly one upstream stream, got " + flows.size());
        return flows.get(0);
    }

    public void reset() {
        flows.clear();
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            Flow flow = new Flow();
            flows.add(flow);
            HttpServerResponse resp = req.response();
            resp.closeHandler(v -> {
                if (!resp.ended()) flow.abandoned.complete(null);
            });
            resp.exceptionHandler(e -> {
                if (!resp.ended()) flow.abandoned.complete(null);
            });
            resp.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/event-stream");
            pump(resp, flow);
        });
    }

    private void pump(HttpServerResponse resp, Flow flow) {
        while (flow.written() < chunks) {
            if (resp.closed() || flow.abandoned.isDone()) return;
            resp.write(event(flow.written()));
            flow.written.incrementAndGet();
            if (resp.writeQueueFull()) {
                flow.waitingForDrain = true;
                resp.drainHandler(v -> {
                    resp.drainHandler(null);
                    flow.waitingForDrain = false;
                    pump(resp, flow);
                });
                return;
            }
        }
        resp.write("data: {\"id\":\"chatcmpl-flood\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"real-model\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + PROMPT_TOKENS + ",\"completion_tokens\":" + chunks
                + ",\"total_tokens\":" + (PROMPT_TOKENS + chunks) + "}}\n\n");
        resp.end("data: [DONE]\n\n");
        flow.finished.complete(null);
    }

    private String event(int i) {
        String finish = i == chunks - 1 ? "\"stop\"" : "null";
        return "data: {\"id\":\"chatcmpl-flood\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"real-model\","
                + "\"choices\":[{\"index\":0,\"delta\":{" + (i == 0 ? "\"role\":\"assistant\"," : "") + "\"content\":\""
                + content(i) + "\"},\"finish_reason\":" + finish + "}]}\n\n";
    }

    @Override
    public void close() {
        await(vertx.close());
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
