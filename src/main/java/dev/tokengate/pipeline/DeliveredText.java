package dev.tokengate.pipeline;

import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChunkText;
import dev.tokengate.core.StreamSink;
import dev.tokengate.tokens.RunningCount;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes a stream to the client and counts the text it actually handed over (content, tool names and arguments, per
 * choice), so a stream the client aborted, or one whose upstream reported no usage, is charged for what was delivered.
 * The text is counted as it goes ({@link RunningCount}): a choice holds at most about 16 K characters not counted
 * yet, however long the stream, and the total is what counting its whole text at the end would give.
 */
final class DeliveredText extends WrappingSink {
    // the first choice (nearly always the only one) in a field of its own: this runs on every chunk of every open
    // stream, and each lookup through a list is one more cold cache line when thousands of streams are open
    private final RunningCount first = new RunningCount();
    private List<RunningCount> others;

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
                RunningCount text = text(d.index());
                if (d.content() != null) text.append(d.content());
                if (d.toolCalls() != null) {
                    for (ChatChunk.ToolCallDelta t : d.toolCalls()) {
                        if (t.name() != null) text.append(t.name());
                        if (t.arguments() != null) text.append(t.arguments());
                    }
                }
            }
        }
    }

    private RunningCount text(int index) {
        if (index == 0) return first;
        if (others == null) others = new ArrayList<>();
        while (others.size() < index) others.add(new RunningCount());
        return others.get(index - 1);
    }

    /** The completion tokens the client received, counted with the tokenizer. */
    int tokens() {
        int n = first.tokens();
        if (others != null) for (RunningCount c : others) n += c.tokens();
        return n;
    }

    /** The characters held, not counted yet, over all choices. */
    int held() {
        int n = first.held();
        if (others != null) for (RunningCount c : others) n += c.held();
        return n;
    }
}
