package dev.tokengate.wire.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.ContentPart;
import dev.tokengate.core.Json;
import dev.tokengate.core.ResponseFormat;
import dev.tokengate.core.Role;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.ToolChoice;
import dev.tokengate.core.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Translates the canonical request into an Anthropic Messages request for an upstream. Pure. System and developer
 * messages become {@code system}; tool results become {@code tool_result} blocks in a user turn; consecutive messages of
 * the same Anthropic role are merged, because tool results of one turn must travel together.
 */
public final class MessagesRequestEncoder {
    /** Anthropic requires max_tokens; OpenAI clients usually leave it out. */
    public static final int DEFAULT_MAX_TOKENS = 4096;
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private MessagesRequestEncoder() {}

    public static ObjectNode upstreamRequest(ChatRequest r, String upstreamModel) {
        if (r.n() != 1) throw ApiException.invalid("n", "This model's upstream answers one choice per request; 'n' must be 1.", "invalid_value");
        ObjectNode o = Json.object();
        o.put("model", upstreamModel);
        o.put("max_tokens", r.maxTokens() == null ? DEFAULT_MAX_TOKENS : r.maxTokens());
        JsonNode system = system(r.messages());
        if (system != null) o.set("system", system);
        o.set("messages", messages(r.messages()));
        if (!r.stop().isEmpty()) {
            ArrayNode stops = o.putArray("stop_sequences");
            r.stop().forEach(stops::add);
        }
        // Anthropic's temperature range is 0..1 where OpenAI's is 0..2: the top of one is the top of the other
        if (r.temperature() != null) o.put("temperature", Math.min(1.0, r.temperature()));
        if (r.topP() != null) o.put("top_p", r.topP());
        if (!r.tools().isEmpty()) {
            o.set("tools", tools(r.tools()));
            o.set("tool_choice", toolChoice(r.toolChoice(), r.parallelToolCalls()));
        }
        if (r.responseFormat() instanceof ResponseFormat.JsonSchema s && s.schema() != null) {
            o.putObject("output_config").putObject("format").put("type", "json_schema").set("schema", s.schema());
        }
        if (r.user() != null) o.putObject("metadata").put("user_id", r.user());
        if (r.stream()) o.put("stream", true);
        return o;
    }

    private static JsonNode system(List<ChatMessage> messages) {
        List<String> texts = new ArrayList<>();
        for (ChatMessage m : messages) {
            if ((m.role() == Role.SYSTEM || m.role() == Role.DEVELOPER) && !m.text().isEmpty()) texts.add(m.text());
        }
        if (texts.isEmpty()) return null;
        if (texts.size() == 1) return Json.MAPPER.getNodeFactory().textNode(texts.get(0));
        ArrayNode blocks = Json.array();
        for (String t : texts) blocks.addObject().put("type", "text").put("text", t);
        return blocks;
    }

    private static ArrayNode messages(List<ChatMessage> messages) {
        ArrayNode out = Json.array();
        String lastRole = null;
        ArrayNode lastContent = null;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m.role() == Role.SYSTEM || m.role() == Role.DEVELOPER) continue;
            String role = m.role() == Role.ASSISTANT ? "assistant" : "user";
            ArrayNode blocks = blocks(m, "messages[" + i + "]");
            if (blocks.isEmpty()) continue;
            if (role.equals(lastRole)) {
                lastContent.addAll(blocks);
            } else {
                ObjectNode msg = out.addObject();
                msg.put("role", role);
                lastContent = msg.putArray("content");
                lastContent.addAll(blocks);
                lastRole = role;
            }
        }
        return out;
    }

    private static ArrayNode blocks(ChatMessage m, String at) {
        ArrayNode blocks = Json.array();
        if (m.role() == Role.TOOL) {
            ObjectNode result = blocks.addObject();
            result.put("type", "tool_result");
            result.put("tool_use_id", m.toolCallId());
            result.put("content", m.text());
            return blocks;
        }
        if (m.content() != null) {
            for (int k = 0; k < m.content().size(); k++) {
                ContentPart p = m.content().get(k);
                String partAt = at + ".content[" + k + "]";
                switch (p) {
                    // Anthropic rejects empty text blocks
                    case ContentPart.Text t -> {
                        if (!t.text().isEmpty()) blocks.addObject().put("type", "text").put("text", t.text());
                    }
                    case ContentPart.Image img -> blocks.add(image(img, partAt));
                    case ContentPart.Opaque op -> {
                        if (op.type().equals("refusal") && op.raw().path("refusal").isTextual()) {
                            blocks.addObject().put("type", "text").put("text", op.raw().path("refusal").asText());
                        } else {
                            throw ApiException.invalid(partAt + ".type", "Content parts of type '" + op.type()
                                    + "' cannot be sent to this model's upstream (Anthropic).", "unsupported_value");
                        }
                    }
                }
            }
        }
        if (m.refusal() != null && m.content() == null) blocks.addObject().put("type", "text").put("text", m.refusal());
        for (int k = 0; k < m.toolCalls().size(); k++) blocks.add(toolUse(m.toolCalls().get(k), at + ".tool_calls[" + k + "]"));
        return blocks;
    }

    private static ObjectNode toolUse(ToolCall call, String at) {
        ObjectNode block = Json.object();
        block.put("type", "tool_use");
        block.put("id", call.id());
        block.put("name", call.name());
        String args = call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments();
        JsonNode input = Json.parseOrNull(args);
        if (input == null || !input.isObject()) {
            throw ApiException.invalid(at + ".function.arguments", "'" + at + ".function.arguments' must be a JSON object"
                    + " for this model's upstream (Anthropic).", "invalid_value");
        }
        block.set("input", input);
        return block;
    }

    private static ObjectNode image(ContentPart.Image img, String at) {
        ObjectNode block = Json.object();
        block.put("type", "image");
        ObjectNode source = block.putObject("source");
        String url = img.url();
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String meta = comma < 0 ? "" : url.substring(5, comma);
            String mediaType = meta.endsWith(";base64") ? meta.substring(0, meta.length() - 7) : null;
            if (mediaType == null || !IMAGE_TYPES.contains(mediaType)) {
                throw ApiException.invalid(at + ".image_url.url", "Images for this model's upstream (Anthropic) must be base64 data URIs"
                        + " of type image/jpeg, image/png, image/gif or image/webp, or http(s) URLs.", "invalid_value");
            }
            source.put("type", "base64");
            source.put("media_type", mediaType);
            source.put("data", url.substring(comma + 1));
        } else {
            source.put("type", "url");
            source.put("url", url);
        }
        return block;
    }

    private static ArrayNode tools(List<ToolSpec> tools) {
        ArrayNode out = Json.array();
        for (ToolSpec t : tools) {
            ObjectNode tool = out.addObject();
            tool.put("name", t.name());
            if (t.description() != null) tool.put("description", t.description());
            tool.set("input_schema", t.parameters() != null ? t.parameters() : Json.object().put("type", "object"));
        }
        return out;
    }

    private static ObjectNode toolChoice(ToolChoice choice, Boolean parallelToolCalls) {
        ObjectNode o = Json.object();
        switch (choice) {
            case ToolChoice.None n -> o.put("type", "none");
            case ToolChoice.Auto a -> o.put("type", "auto");
            case ToolChoice.Required r -> o.put("type", "any");
            case ToolChoice.Named n -> o.put("type", "tool").put("name", n.name());
        }
        if (Boolean.FALSE.equals(parallelToolCalls) && !(choice instanceof ToolChoice.None)) {
            o.put("disable_parallel_tool_use", true);
        }
        return o;
    }
}
