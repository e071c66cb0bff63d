package dev.tokengate.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.wire.openai.ResponseStreamTranslator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;

/**
 * Writes a chat stream to the client as Responses API server-sent events: an {@code event: <type>} line and a
 * {@code data:} line per event.
 */
final class ResponseEventSink extends EventStreamSink {
    private final ResponseStreamTranslator translator;

    ResponseEventSink(HttpServerResponse response, ResponseStreamTranslator translator) {
        super(response);
        this.translator = translator;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        if (cancelled()) return;
        write(translator.onChunk(chunk));
    }

    /** Writes the closing events and ends the stream. */
    void end(List<ObjectNode> closing) {
        if (!open()) return;
        write(closing);
        response.end();
    }

    /** A failure after the stream began: an {@code error} event and {@code response.failed}, then the stream closes. */
    void fail(ApiException e) {
        if (!open()) return;
        write(translator.fail(e));
        response.end();
    }

    private void write(List<ObjectNode> events) {
        if (events.isEmpty()) return;
        start();
        Buffer b = Buffer.buffer();
        for (ObjectNode e : events) {
            b.appendString("event: ").appendString(e.get("type").asText()).appendString("\ndata: ")
                    .appendBytes(Json.bytes(e)).appendString("\n\n");
        }
        response.write(b);
    }
}
