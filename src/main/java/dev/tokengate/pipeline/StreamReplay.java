package dev.tokengate.pipeline;

import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Choice;
import dev.tokengate.core.Role;
import dev.tokengate.core.StreamSink;
import dev.tokengate.core.ToolCall;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole response as a stream, for a cached answer asked for with {@code stream: true}: per choice one chunk with the
 * role, the text and the tool calls, then one with the finish reason; then the usage report.
 */
final class StreamReplay {
    private StreamReplay() {}

    static void replay(ChatResponse r, StreamSink sink) {
        for (Choice c : r.choices()) {
            if (sink.cancelled()) return;
            String text = c.message().content() == null ? null : c.message().text();
            List<ChatChunk.ToolCallDelta> calls = new ArrayList<>();
            for (int i = 0; i < c.message().toolCalls().size(); i++) {
                ToolCall t = c.message().toolCalls().get(i);
                calls.add(new ChatChunk.ToolCallDelta(i, t.id(), t.name(), t.arguments()));
            }
            sink.onChunk(chunk(r, new ChatChunk.Delta(c.index(), Role.ASSISTANT, text, calls, null)));
            sink.onChunk(chunk(r, new ChatChunk.Delta(c.index(), null, null, null, c.finishReason())));
        }
        if (r.usage() != null && !sink.cancelled()) {
            sink.onChunk(new ChatChunk(r.id(), r.created(), r.model(), List.of(), r.usage(), r.systemFingerprint()));
        }
    }

    private static ChatChunk chunk(ChatResponse r, ChatChunk.Delta delta) {
        return new ChatChunk(r.id(), r.created(), r.model(), List.of(delta), null, r.systemFingerprint());
    }
}
