package dev.tokengate.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible and Anthropic-compatible upstream (HTTP/1.1 and h2c with prior knowledge) that answers every
 * chat request ({@code /v1/chat/completions}) and every Messages request ({@code /v1/messages}) with a long SSE stream
 * written as fast as its caller takes it: it writes while its connection has room and waits for a drain when it has
 * none, as a real server under flow control does. Each content chunk starts with its number as a marker
 * ({@code <000042>}), so a reader can check it got every chunk in order; the usage reports {@value #PROMPT_TOKENS}
 * prompt tokens and one completion token per chunk. Each stream's progress is recorded.
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
        private final int clientPort;
        private final AtomicInteger written = new AtomicInteger();
        private volatile boolean waitingForDrain;
        private final CompletableFuture<Void> finished = new CompletableFuture<>();
        private final CompletableFuture<Void> abandoned = new CompletableFuture<>();

        private Flow(int clientPort) {
            this.clientPort = clientPort;
        }

        /** The caller's port: streams with the same one came on the same connection. */
        public int clientPort() {
            return clientPort;
        }

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
            Flow flow = new Flow(req.remoteAddress().port());
            flows.add(flow);
            HttpServerResponse resp = req.response();
            resp.closeHandler(v -> {
                if (!resp.ended()) flow.abandoned.complete(null);
            });
            resp.exceptionHandler(e -> {
                if (!resp.ended()) flow.abandoned.complete(null);
            });
            resp.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/event-stream");
            // each HTTP/1.1 stream on a new connection: a kept-alive one would carry the receive buffer the kernel grew
            // for an earlier stream, and with it how much a held-back stream can still write
            if (req.version() != HttpVersion.HTTP_2) resp.putHeader("Connection", "close");
            pump(resp, flow, req.path().endsWith("/messages") ? new AnthropicEvents() : new OpenAiEvents());
        });
    }

    private void pump(HttpServerResponse resp, Flow flow, Events events) {
        if (flow.written() == 0) resp.write(events.start());
        while (flow.written() < chunks) {
            if (resp.closed() || flow.abandoned.isDone()) return;
            resp.write(events.chunk(flow.written()));
            flow.written.incrementAndGet();
            if (resp.writeQueueFull()) {
                flow.waitingForDrain = true;
                resp.drainHandler(v -> {
                    resp.drainHandler(null);
                    flow.waitingForDrain = false;
                    pump(resp, flow, events);
                });
                return;
            }
        }
        resp.end(events.end());
        flow.finished.complete(null);
    }

    /** One API's framing of the stream. */
    private interface Events {
        String start();

        String chunk(int i);

        String end();
    }

    private final class OpenAiEvents implements Events {
        private static final String HEAD = "data: {\"id\":\"chatcmpl-flood\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                + "\"model\":\"real-model\",";

        @Override
        public String start() {
            return HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n";
        }

        @Override
        public String chunk(int i) {
            return HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + content(i) + "\"},\"finish_reason\":"
                    + (i == chunks - 1 ? "\"stop\"" : "null") + "}]}\n\n";
        }

        @Override
        public String end() {
            return HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + PROMPT_TOKENS + ",\"completion_tokens\":" + chunks
                    + ",\"total_tokens\":" + (PROMPT_TOKENS + chunks) + "}}\n\ndata: [DONE]\n\n";
        }
    }

    private final class AnthropicEvents implements Events {
        @Override
        public String start() {
            return "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_flood\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"content\":[],\"model\":\"claude-flood\",\"stop_reason\":null,\"stop_sequence\":null,"
                    + "\"usage\":{\"input_tokens\":" + PROMPT_TOKENS + ",\"output_tokens\":1}}}\n\n"
                    + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                    + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";
        }

        @Override
        public String chunk(int i) {
            return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + content(i) + "\"}}\n\n";
        }

        @Override
        public String end() {
            return "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
                    + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                    + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + chunks + "}}\n\n"
                    + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
        }
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
