package dev.tokengate.http;

import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.core.StreamSink;
import dev.tokengate.wire.openai.ChatEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a chat stream to the client as OpenAI SSE: data-only frames, the usage chunk only when asked for, and
 * {@code data: [DONE]}. Headers go out with the first chunk, so a failure before it can still be a normal HTTP error.
 */
final class SseSink implements StreamSink {
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
    private final HttpServerResponse response;
    private final boolean includeUsage;
    private final List<Runnable> onCancel = new ArrayList<>();
    private boolean started;
    private boolean cancelled;

    SseSink(HttpServerResponse response, boolean includeUsage) {
        this.response = response;
        this.includeUsage = includeUsage;
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
        if (chunk.choices().isEmpty() && chunk.usage() != null && !includeUsage) return;
        start();
        response.write(frame(ChatEncoder.chunkBytes(chunk, includeUsage)));
    }

    private void start() {
        if (started) return;
        started = true;
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
    }

    private static Buffer frame(byte[] json) {
        Buffer b = Buffer.buffer(json.length + 8);
        b.appendString("data: ").appendBytes(json).appendString("\n\n");
        return b;
    }

    boolean started() {
        return started;
    }

    void finish() {
        if (cancelled || response.ended()) return;
        start();
        response.end(DONE);
    }

    /** A failure after the stream began: one data frame with a top-level error, then the stream closes. */
    void failMidStream(ApiException e) {
        if (cancelled || response.ended()) return;
        response.end(frame(Json.bytes(Responses.body(ApiFamily.OPENAI, e))));
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
