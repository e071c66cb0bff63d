package dev.tokengate.http;

import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.core.StreamSink;
import dev.tokengate.wire.anthropic.AnthropicErrors;
import dev.tokengate.wire.anthropic.StreamEventEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a chat stream to the client as Anthropic SSE: an {@code event:} line on every event (the Anthropic SDKs drop
 * events without one). Headers go out with the first chunk, so a failure before it can still be a normal HTTP error.
 */
final class AnthropicSseSink implements StreamSink {
    private final HttpServerResponse response;
    private final StreamEventEncoder encoder;
    private final List<Runnable> onCancel = new ArrayList<>();
    private boolean started;
    private boolean cancelled;

    AnthropicSseSink(HttpServerResponse response, int inputTokensEstimate) {
        this.response = response;
        this.encoder = new StreamEventEncoder(inputTokensEstimate);
        response.closeHandler(v -> cancel());
    }

    private void cancel() {
        if (cancelled) return;
        cancelled = true;
        onCancel.forEach(Runnable::run);
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        if (cancelled) return;
        write(encoder.onChunk(chunk));
    }

    private void write(List<StreamEventEncoder.Event> events) {
        if (events.isEmpty()) return;
        start();
        Buffer b = Buffer.buffer();
        for (StreamEventEncoder.Event e : events) {
            b.appendString("event: ").appendString(e.name()).appendString("\ndata: ")
                    .appendBytes(Json.bytes(e.data())).appendString("\n\n");
        }
        response.write(b);
    }

    private void start() {
        if (started) return;
        started = true;
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
    }

    boolean started() {
        return started;
    }

    void finish() {
        if (cancelled || response.ended()) return;
        write(encoder.finish());
        response.end();
    }

    /** A failure after the stream began: one {@code event: error}, then the stream closes. */
    void failMidStream(ApiException e) {
        if (cancelled || response.ended()) return;
        byte[] body = Json.bytes(AnthropicErrors.body(e, null));
        response.end(Buffer.buffer("event: error\ndata: ").appendBytes(body).appendString("\n\n"));
    }

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    @Override
    public void whenCancelled(Runnable action) {
        if (cancelled) action.run();
        else onCancel.add(action);
    }
}
