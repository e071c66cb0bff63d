package dev.tokengate.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A scripted upstream on a free port, for adapter tests: answers {@code POST .../v1/messages} (Anthropic) and {@code
 * POST .../chat/completions} (OpenAI) with queued replies, then with the default reply, and records what it received.
 */
public final class FakeAnthropic implements AutoCloseable {
    /**
     * What the fake answers: a status, a content type and a body written as is; {@code stall} leaves the response open
     * after the body, as an upstream that goes quiet does.
     */
    public record Reply(int status, String contentType, String body, boolean stall) {
        public static Reply json(int status, String body) {
            return new Reply(status, "application/json", body, false);
        }

        public static Reply sse(String body) {
            return new Reply(200, "text/event-stream", body, false);
        }

        public Reply stalling() {
            return new Reply(status, contentType, body, true);
        }
    }

    /** One request as received. */
    public record Received(String path, Map<String, String> headers, JsonNode body) {
        public String header(String name) {
            for (var e : headers.entrySet()) if (e.getKey().equalsIgnoreCase(name)) return e.getValue();
            return null;
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final ConcurrentLinkedQueue<Function<JsonNode, Reply>> queued = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<JsonNode, Reply> fallback;

    public FakeAnthropic(Function<JsonNode, Reply> fallback) {
        this.fallback = fallback;
        this.server = await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
            JsonNode body = Json.parseOrNull(buf.toString());
            Map<String, String> headers = new java.util.HashMap<>();
            req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
            received.add(new Received(req.path(), Map.copyOf(headers), body));
            Function<JsonNode, Reply> next = queued.poll();
            Reply reply = (next != null ? next : this.fallback).apply(body);
            var resp = req.response().setStatusCode(reply.status()).putHeader("Content-Type", reply.contentType());
            if (reply.stall()) resp.setChunked(true).write(reply.body());
            else resp.end(reply.body());
        })).listen(0, "127.0.0.1"));
    }

    /** Always the same reply. */
    public FakeAnthropic(Reply reply) {
        this(body -> reply);
    }

    /** The base URL to configure, in the Anthropic SDKs' convention (no /v1). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public FakeAnthropic enqueue(Reply reply) {
        queued.add(body -> reply);
        return this;
    }

    public void answerWith(Function<JsonNode, Reply> reply) {
        this.fallback = reply;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public Received last() {
        if (received.isEmpty()) throw new AssertionError("the fake upstream received nothing");
        return received.get(received.size() - 1);
    }

    private static <T> T await(io.vertx.core.Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        await(vertx.close());
    }
}
