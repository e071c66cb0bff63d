package dev.tokengate.wire.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Choice;
import dev.tokengate.core.ContentPart;
import dev.tokengate.core.Json;
import dev.tokengate.core.Role;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what an OpenAI-compatible upstream answers. Lenient about optional keys (real servers omit many), strict about
 * the ones we need: a body without {@code choices} is malformed.
 */
public final class UpstreamDecoder {
    private UpstreamDecoder() {}

    public static final class MalformedUpstreamException extends RuntimeException {
        public MalformedUpstreamException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A chat.completion body as its upstream sent it. The usual shape is read without a tree ({@link PlainResponseReader});
     * anything else is parsed into one and read by {@link #response(JsonNode)}, with the same result.
     *
     * @throws IOException when the body is not JSON
     */
    public static ChatResponse response(byte[] body) throws IOException {
        ChatResponse plain = PlainResponseReader.read(body);
        return plain != null ? plain : response(Json.MAPPER.readTree(body));
    }

    public static ChatResponse response(JsonNode o) {
        if (o == null || !o.isObject() || !o.path("choices").isArray()) {
            throw new MalformedUpstreamException("upstream response has no 'choices' array");
        }
        List<Choice> choices = new ArrayList<>();
        int i = 0;
        for (JsonNode c : o.path("choices")) {
            JsonNode msg = c.path("message");
            if (!msg.isObject()) throw new MalformedUpstreamException("upstream choice has no 'message' object");
            JsonNode content = msg.path("content");
            List<ContentPart> parts = content.isTextual() ? List.of(new ContentPart.Text(content.asText())) : null;
            List<ToolCall> calls = new ArrayList<>();
            for (JsonNode tc : msg.path("tool_calls")) {
                calls.add(new ToolCall(tc.path("id").asText(), tc.path("function").path("name").asText(),
                        tc.path("function").path("arguments").asText("")));
            }
            String refusal = msg.path("refusal").isTextual() ? msg.path("refusal").asText() : null;
            ChatMessage m = new ChatMessage(Role.ASSISTANT, parts, true, null, List.copyOf(calls), null, refusal);
            String finish = c.path("finish_reason").isTextual() ? c.path("finish_reason").asText() : "stop";
            choices.add(new Choice(c.path("index").asInt(i), m, finish));
            i++;
        }
        return new ChatResponse(o.path("id").asText("chatcmpl-upstream"), o.path("created").asLong(0),
                o.path("model").asText(""), List.copyOf(choices), usage(o.get("usage")),
                o.path("system_fingerprint").isTextual() ? o.path("system_fingerprint").asText() : null);
    }

    public static ChatChunk chunk(JsonNode o) {
        if (o == null || !o.isObject()) throw new MalformedUpstreamException("upstream stream event is not a JSON object");
        List<ChatChunk.Delta> deltas = new ArrayList<>();
        for (JsonNode c : o.path("choices")) {
            JsonNode d = c.path("delta");
            Role role = d.path("role").isTextual() ? Role.fromWire(d.path("role").asText()) : null;
            String content = d.path("content").isTextual() ? d.path("content").asText() : null;
            List<ChatChunk.ToolCallDelta> calls = null;
            if (d.path("tool_calls").isArray()) {
                calls = new ArrayList<>();
                for (JsonNode tc : d.path("tool_calls")) {
                    JsonNode fn = tc.path("function");
                    calls.add(new ChatChunk.ToolCallDelta(tc.path("index").asInt(0),
                            tc.path("id").isTextual() ? tc.path("id").asText() : null,
                            fn.path("name").isTextual() ? fn.path("name").asText() : null,
                            fn.path("arguments").isTextual() ? fn.path("arguments").asText() : null));
                }
            }
            String finish = c.path("finish_reason").isTextual() ? c.path("finish_reason").asText() : null;
            deltas.add(new ChatChunk.Delta(c.path("index").asInt(0), role, content, calls, finish));
        }
        return new ChatChunk(o.path("id").asText(""), o.path("created").asLong(0), o.path("model").asText(""),
                List.copyOf(deltas), usage(o.get("usage")),
                o.path("system_fingerprint").isTextual() ? o.path("system_fingerprint").asText() : null);
    }

    static Usage usage(JsonNode u) {
        if (u == null || !u.isObject()) return null;
        return new Usage(u.path("prompt_tokens").asInt(0), u.path("completion_tokens").asInt(0),
                u.path("prompt_tokens_details").path("cached_tokens").asInt(0));
    }
}
