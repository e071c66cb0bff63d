package dev.tokengate.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.core.StreamSink;
import dev.tokengate.wire.openai.ResponseStreamTranslator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a chat stream to the client as Responses API server-sent events: an {@code event: <type>} line and a
 * {@code data:} line per event. Headers go out with the first event, so a failure before it can still be a plain HTTP
 * error.
 */
final class ResponseEventSink implements StreamSink {
    private final HttpServerResponse response;
    private final ResponseStreamTranslator translator;
    private final List<Runnable> onCancel = new ArrayList<>();
    private boolean sent;
    private boolean cancelled;

    ResponseEventSink(HttpServerResponse response, ResponseStreamTranslator translator) {
        this.response = response;
        this.translator = translator;
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
        write(translator.onChunk(chunk));
    }

    /** True once an event went out: from then on a failure must be reported in the stream. */
    boolean sent() {
        return sent;
    }

    /** Writes the closing events and ends the stream. */
    void end(List<ObjectNode> closing) {
        if (cancelled || response.ended()) return;
        write(closing);
        response.end();
    }

    /** A failure after the stream began: an {@code error} event and {@code response.failed}, then the stream closes. */
    void fail(ApiException e) {
        if (cancelled || response.ended()) return;
        write(translator.fail(e));
        response.end();
    }

    private void write(List<ObjectNode> events) {
        if (events.isEmpty()) return;
        if (!sent) {
            sent = true;
            response.setStatusCode(200).setChunked(true)
                    .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache")
                    .putHeader("X-Accel-Buffering", "no");
        }
        Buffer b = Buffer.buffer();
        for (ObjectNode e : events) {
            b.appendString("event: ").appendString(e.get("type").asText()).appendString("\ndata: ")
                    .appendBytes(Json.bytes(e)).appendString("\n\n");
        }
        response.write(b);
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
