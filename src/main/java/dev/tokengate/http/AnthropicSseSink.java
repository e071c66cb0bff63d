package dev.tokengate.http;

import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.wire.anthropic.AnthropicErrors;
import dev.tokengate.wire.anthropic.StreamEventEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * Writes a chat stream to the client as Anthropic SSE: an {@code event:} line on every event (the Anthropic SDKs drop
 * events without one).
 */
final class AnthropicSseSink extends EventStreamSink {
    private final StreamEventEncoder encoder;

    AnthropicSseSink(HttpServerResponse response, int inputTokensEstimate) {
        super(response);
        this.encoder = new StreamEventEncoder(inputTokensEstimate);
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        if (cancelled()) return;
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

    void finish() {
        if (!open()) return;
        write(encoder.finish());
        response.end();
    }

    /** A failure after the stream began: one {@code event: error}, then the stream closes. */
    void failMidStream(ApiException e) {
        if (!open()) return;
        byte[] body = Json.bytes(AnthropicErrors.body(e, null));
        response.end(Buffer.buffer("event: error\ndata: ").appendBytes(body).appendString("\n\n"));
    }
}
