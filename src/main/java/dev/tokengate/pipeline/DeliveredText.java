package dev.tokengate.pipeline;

import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChunkText;
import dev.tokengate.core.StreamSink;
import dev.tokengate.tokens.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes a stream to the client and keeps the text it actually handed over (content, tool names and arguments, per
 * choice), so a stream the client aborted, or one whose upstream reported no usage, is charged for what was delivered.
 */
final class DeliveredText extends WrappingSink {
    // the first choice (nearly always the only one) in a field of its own: this runs on every chunk of every open
    // stream, and each lookup through a list is one more cold cache line when thousands of streams are open
    private final StringBuilder first = new StringBuilder(64);
    private List<StringBuilder> others;

    DeliveredText(StreamSink client) {
        super(client);
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        keep(chunk);
        inner.onChunk(chunk);
    }

    @Override
    public void onChunk(ChatChunk chunk, ChunkText text) {
        keep(chunk);
        inner.onChunk(chunk, text);
    }

    private void keep(ChatChunk chunk) {
        if (!inner.cancelled()) {
            List<ChatChunk.Delta> choices = chunk.choices();
            for (int i = 0; i < choices.size(); i++) {
                ChatChunk.Delta d = choices.get(i);
                StringBuilder sb = text(d.index());
                if (d.content() != null) sb.append(d.content());
                if (d.toolCalls() != null) {
                    for (ChatChunk.ToolCallDelta t : d.toolCalls()) {
                        if (t.name() != null) sb.append(t.name());
                        if (t.arguments() != null) sb.append(t.arguments());
                    }
                }
            }
        }
    }

    private StringBuilder text(int index) {
        if (index == 0) return first;
        if (others == null) others = new ArrayList<>();
        while (others.size() < index) others.add(new StringBuilder());
        return others.get(index - 1);
    }

    /** The completion tokens the client received, counted with the tokenizer. */
    int tokens() {
        int n = Tokenizer.count(first.toString());
        if (others != null) for (StringBuilder sb : others) n += Tokenizer.count(sb.toString());
        return n;
    }

}
