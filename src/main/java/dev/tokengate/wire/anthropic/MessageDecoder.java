package dev.tokengate.wire.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Choice;
import dev.tokengate.core.Json;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an Anthropic {@code Message} from an upstream into the canonical response. Text blocks are joined, tool_use
 * blocks become tool calls; thinking blocks are not part of the canonical model and are left out.
 */
public final class MessageDecoder {
    private MessageDecoder() {}

    public static final class MalformedMessageException extends RuntimeException {
        public MalformedMessageException(String message) {
            super(message, null, false, false);
        }
    }

    /** @param created the unix time to stamp, since Anthropic messages carry none */
    public static ChatResponse response(JsonNode o, long created) {
        if (o == null || !o.isObject() || !o.path("content").isArray()) {
            throw new MalformedMessageException("upstream message has no 'content' array");
        }
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : o.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> {
                    text.append(block.path("text").asText(""));
                    hasText = true;
                }
                case "tool_use" -> calls.add(new ToolCall(block.path("id").asText(), block.path("name").asText(),
                        Json.text(block.path("input").isObject() ? block.path("input") : Json.object())));
                default -> { }
            }
        }
        ChatMessage message = ChatMessage.assistant(hasText || calls.isEmpty() ? text.toString() : null, List.copyOf(calls));
        String finish = StopReasons.toFinishReason(o.path("stop_reason").isTextual() ? o.path("stop_reason").asText() : null);
        Usage usage = AnthropicUsage.read(o.get("usage"));
        return new ChatResponse(o.path("id").asText("msg_upstream"), created, o.path("model").asText(""),
                List.of(new Choice(0, message, finish)), usage, null);
    }
}
