package dev.tokengate.core;

import java.util.List;

/**
 * One message of a conversation. {@code content} is null when the message has none (an assistant message that only
 * calls tools); {@code contentIsString} remembers whether the caller sent a plain string so it can be echoed faithfully.
 */
public record ChatMessage(Role role, List<ContentPart> content, boolean contentIsString, String name,
                          List<ToolCall> toolCalls, String toolCallId, String refusal) {

    public static ChatMessage text(Role role, String text) {
        return new ChatMessage(role, List.of(new ContentPart.Text(text)), true, null, List.of(), null, null);
    }

    public static ChatMessage assistant(String text, List<ToolCall> toolCalls) {
        List<ContentPart> parts = text == null ? null : List.of(new ContentPart.Text(text));
        return new ChatMessage(Role.ASSISTANT, parts, true, null, toolCalls == null ? List.of() : toolCalls, null, null);
    }

    /** The concatenated text parts, or "" when there are none. */
    public String text() {
        if (content == null) return "";
        StringBuilder sb = new StringBuilder();
        for (ContentPart p : content) {
            if (p instanceof ContentPart.Text t) sb.append(t.text());
        }
        return sb.toString();
    }
}
