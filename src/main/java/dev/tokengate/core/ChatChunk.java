package dev.tokengate.core;

import java.util.List;

/**
 * One streamed increment. A chunk with no choices and a usage is the final usage report.
 */
public record ChatChunk(String id, long created, String model, List<Delta> choices, Usage usage,
                        String systemFingerprint) {

    /** @param toolCalls fragments of tool calls: id and name only on the first fragment of each call. */
    public record Delta(int index, Role role, String content, List<ToolCallDelta> toolCalls, String finishReason) {}

    public record ToolCallDelta(int index, String id, String name, String arguments) {}

    public ChatChunk withModel(String newModel) {
        return new ChatChunk(id, created, newModel, choices, usage, systemFingerprint);
    }
}
