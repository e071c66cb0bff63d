package dev.tokengate.pipeline;

import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.ChunkText;
import dev.tokengate.core.Choice;
import dev.tokengate.core.ContentPart;
import dev.tokengate.core.Role;
import dev.tokengate.core.StreamSink;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Passes a stream on and assembles the whole response from it, so a streamed answer can be cached. */
final class StreamRecorder extends WrappingSink {
    private static final class Draft {
        final StringBuilder text = new StringBuilder();
        boolean hasText;
        final TreeMap<Integer, String[]> calls = new TreeMap<>();
        String finishReason;
    }

    private final TreeMap<Integer, Draft> choices = new TreeMap<>();
    private String id;
    private long created;
    private String model;
    private String fingerprint;
    private Usage usage;

    StreamRecorder(StreamSink inner) {
        super(inner);
    }

    @Override
    public void onChunk(ChatChunk chunk) {
        record(chunk);
        inner.onChunk(chunk);
    }

    @Override
    public void onChunk(ChatChunk chunk, ChunkText text) {
        record(chunk);
        inner.onChunk(chunk, text);
    }

    private void record(ChatChunk chunk) {
        if (id == null) {
            id = chunk.id();
            created = chunk.created();
            model = chunk.model();
            fingerprint = chunk.systemFingerprint();
        }
        if (chunk.usage() != null) usage = chunk.usage();
        for (ChatChunk.Delta d : chunk.choices()) {
            Draft draft = choices.computeIfAbsent(d.index(), i -> new Draft());
            if (d.content() != null) {
                draft.text.append(d.content());
                draft.hasText = true;
            }
            if (d.toolCalls() != null) {
                for (ChatChunk.ToolCallDelta t : d.toolCalls()) {
                    String[] call = draft.calls.computeIfAbsent(t.index(), i -> new String[]{null, null, ""});
                    if (t.id() != null) call[0] = t.id();
                    if (t.name() != null) call[1] = t.name();
                    if (t.arguments() != null) call[2] += t.arguments();
                }
            }
            if (d.finishReason() != null) draft.finishReason = d.finishReason();
        }
    }

    ChatResponse response() {
        List<Choice> out = new ArrayList<>();
        choices.forEach((index, d) -> {
            List<ToolCall> calls = new ArrayList<>();
            for (String[] c : d.calls.values()) calls.add(new ToolCall(c[0], c[1], c[2]));
            List<ContentPart> content = d.hasText || calls.isEmpty() ? List.of(new ContentPart.Text(d.text.toString())) : null;
            out.add(new Choice(index, new ChatMessage(Role.ASSISTANT, content, true, null, List.copyOf(calls), null, null),
                    d.finishReason == null ? "stop" : d.finishReason));
        });
        return new ChatResponse(id, created, model, List.copyOf(out), usage, fingerprint);
    }
}
