package dev.tokengate.http;

import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChunkText;
import dev.tokengate.core.Json;
import dev.tokengate.wire.openai.ChatEncoder;
import dev.tokengate.wire.openai.StreamChunkRelay;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a chat stream to the client as OpenAI SSE: data-only frames, the usage chunk only when asked for, and
 * {@code data: [DONE]}.
 */
final class SseSink extends EventStreamSink {
    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
    private final boolean includeUsage;

    SseSink(HttpServerResponse response, boolean includeUsage) {
        super(response);
        this.includeUsage = includeUsage;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        if (cancelled()) return;
        if (chunk.choices().isEmpty() && chunk.usage() != null && !includeUsage) return;
        start();
        response.write(frame(ChatEncoder.chunkBytes(chunk, includeUsage)));
    }

    /** The upstream's own text of the chunk, when it has it, goes out with only the model (and usage key) edited. */
    @Override
    public void onChunk(ChatChunk chunk, ChunkText text) {
        if (text == null) {
            onChunk(chunk);
            return;
        }
        if (cancelled()) return;
        if (chunk.choices().isEmpty() && chunk.usage() != null && !includeUsage) return;
        start();
        response.write(Buffer.buffer(StreamChunkRelay.frame(text, chunk.model(), includeUsage)));
    }

    private static Buffer frame(byte[] json) {
        Buffer b = Buffer.buffer(json.length + 8);
        b.appendString("data: ").appendBytes(json).appendString("\n\n");
        return b;
    }

    void finish() {
        if (!open()) return;
        start();
        response.end(DONE);
    }

    /** A failure after the stream began: one data frame with a top-level error, then the stream closes. */
    void failMidStream(ApiException e) {
        if (!open()) return;
        response.end(frame(Json.bytes(Responses.body(ApiFamily.OPENAI, e))));
    }
}
