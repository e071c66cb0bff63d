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
final class DeliveredText implements StreamSink {
    private final StreamSink client;
    private final List<StringBuilder> perChoice = new ArrayList<>();

    DeliveredText(StreamSink client) {
        this.client = client;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        keep(chunk);
        client.onChunk(chunk);
    }

    @Override
    public void onChunk(ChatChunk chunk, ChunkText text) {
        keep(chunk);
        client.onChunk(chunk, text);
    }

    private void keep(ChatChunk chunk) {
        if (!client.cancelled()) {
            for (ChatChunk.Delta d : chunk.choices()) {
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
        while (perChoice.size() <= index) perChoice.add(new StringBuilder());
        return perChoice.get(index);
    }

    /** The completion tokens the client received, counted with the tokenizer. */
    int tokens() {
        int n = 0;
        for (StringBuilder sb : perChoice) n += Tokenizer.count(sb.toString());
        return n;
    }

    @Override
    public boolean cancelled() {
        return client.cancelled();
    }

    @Override
    public void whenCancelled(Runnable action) {
        client.whenCancelled(action);
    }
}
