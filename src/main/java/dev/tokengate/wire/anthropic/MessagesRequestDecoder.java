package dev.tokengate.wire.anthropic;

import static dev.tokengate.wire.anthropic.Fields.*;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.regex.Pattern;

/**
 * Reads and validates an inbound Anthropic Messages request ({@code POST /v1/messages}) into the canonical request, so
 * any upstream can serve it. A user turn's {@code tool_result} blocks become tool messages placed before the rest of
 * that turn, the order OpenAI-style upstreams expect. Pure.
 */
public final class MessagesRequestDecoder {
    private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,128}");

    private MessagesRequestDecoder() {}

    public static ChatRequest decode(JsonNode body) {
        if (!body.isObject()) throw ApiException.invalid(null, "The request body must be a JSON object.");
        String model = requiredString(body, "model", "model");
        if (model.isBlank()) throw invalid("model", "String should have at least 1 character");
        int maxTokens = requiredInt(body, "max_tokens", "max_tokens", 1);
        List<ChatMessage> messages = new ArrayList<>(system(body));
        messages.addAll(messages(body));
        List<ToolSpec> tools = tools(body);
        JsonNode choiceNode = optionalObject(body, "tool_choice", "tool_choice");
        ToolChoice toolChoice = toolChoice(choiceNode, tools);
        Boolean disableParallel = choiceNode == null ? null
                : optionalBool(choiceNode, "disable_parallel_tool_use", "tool_choice.disable_parallel_tool_use");
        boolean stream = Boolean.TRUE.equals(optionalBool(body, "stream", "stream"));
        Double temperature = optionalNumber(body, "temperature", "temperature", 0, 1);
        Double topP = optionalNumber(body, "top_p", "top_p", 0, 1);
        optionalInt(body, "top_k", "top_k", 0);
        optionalObject(body, "thinking", "thinking");
        JsonNode metadata = optionalObject(body, "metadata", "metadata");
        String user = metadata == null ? null : optionalString(metadata, "user_id", "metadata.user_id");
        return new ChatRequest(model, List.copyOf(messages), tools, toolChoice,
                Boolean.TRUE.equals(disableParallel) ? Boolean.FALSE : null, responseFormat(body), stream, stream,
                maxTokens, null, temperature, topP, 1, stopSequences(body), user, Json.object());
    }

    private static List<ChatMessage> system(JsonNode body) {
        JsonNode v = body.get("system");
        if (v == null || v.isNull()) return List.of();
        if (v.isTextual()) return v.asText().isEmpty() ? List.of() : List.of(ChatMessage.text(Role.SYSTEM, v.asText()));
        if (!v.isArray()) throw invalid("system", "Input should be a valid string or a list of text blocks");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < v.size(); i++) {
            String at = "system." + i;
            JsonNode block = v.get(i);
            if (!block.isObject() || !"text".equals(block.path("type").asText())) throw invalid(at, "Input should be a text block");
            if (!text.isEmpty()) text.append("\n\n");
            text.append(requiredString(block, "text", at + ".text"));
        }
        return text.isEmpty() ? List.of() : List.of(ChatMessage.text(Role.SYSTEM, text.toString()));
    }

    private static List<ChatMessage> messages(JsonNode body) {
        JsonNode arr = required(body, "messages", "messages");
        if (!arr.isArray()) throw invalid("messages", "Input should be a valid list");
        if (arr.isEmpty()) throw invalid("messages", "List should have at least 1 item");
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            String at = "messages." + i;
            JsonNode m = arr.get(i);
            if (!m.isObject()) throw invalid(at, "Input should be a valid dictionary");
            String role = requiredString(m, "role", at + ".role");
            JsonNode content = required(m, "content", at + ".content");
            if (!content.isTextual() && !content.isArray()) throw invalid(at + ".content", "Input should be a valid string or list");
            switch (role) {
                case "user" -> out.addAll(userTurn(content, at + ".content"));
                case "assistant" -> out.add(assistantTurn(content, at + ".content"));
                case "system" -> out.add(ChatMessage.text(Role.SYSTEM, content.isTextual() ? content.asText() : texts(content, at + ".content")));
                default -> throw invalid(at + ".role", "Input should be 'user' or 'assistant'");
            }
        }
        return out;
    }

    private static List<ChatMessage> userTurn(JsonNode content, String at) {
        if (content.isTextual()) return List.of(ChatMessage.text(Role.USER, content.asText()));
        List<ChatMessage> toolResults = new ArrayList<>();
        List<ContentPart> parts = new ArrayList<>();
        for (int k = 0; k < content.size(); k++) {
            String bat = at + "." + k;
            JsonNode block = content.get(k);
            if (!block.isObject()) throw invalid(bat, "Input should be a valid dictionary");
            switch (requiredString(block, "type", bat + ".type")) {
                case "text" -> parts.add(new ContentPart.Text(requiredString(block, "text", bat + ".text")));
                case "image" -> parts.add(image(block, bat));
                case "tool_result" -> toolResults.add(toolResult(block, bat));
                default -> throw invalid(bat + ".type", "Block type '" + block.path("type").asText()
                        + "' is not supported here; use 'text', 'image' or 'tool_result'");
            }
        }
        List<ChatMessage> out = new ArrayList<>(toolResults);
        if (!parts.isEmpty()) out.add(new ChatMessage(Role.USER, List.copyOf(parts), false, null, List.of(), null, null));
        return out;
    }

    private static ChatMessage assistantTurn(JsonNode content, String at) {
        if (content.isTextual()) return ChatMessage.assistant(content.asText(), List.of());
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        List<ToolCall> calls = new ArrayList<>();
        for (int k = 0; k < content.size(); k++) {
            String bat = at + "." + k;
            JsonNode block = content.get(k);
            if (!block.isObject()) throw invalid(bat, "Input should be a valid dictionary");
            switch (requiredString(block, "type", bat + ".type")) {
                case "text" -> {
                    text.append(requiredString(block, "text", bat + ".text"));
                    hasText = true;
                }
                case "tool_use" -> {
                    JsonNode input = required(block, "input", bat + ".input");
                    if (!input.isObject()) throw invalid(bat + ".input", "Input should be a valid dictionary");
                    calls.add(new ToolCall(requiredString(block, "id", bat + ".id"), requiredString(block, "name", bat + ".name"),
                            Json.text(input)));
                }
                case "thinking", "redacted_thinking" -> { } // other upstreams cannot use another model's reasoning
                default -> throw invalid(bat + ".type", "Block type '" + block.path("type").asText()
                        + "' is not supported here; use 'text' or 'tool_use'");
            }
        }
        return ChatMessage.assistant(hasText || calls.isEmpty() ? text.toString() : null, List.copyOf(calls));
    }

    private static ContentPart image(JsonNode block, String at) {
        JsonNode source = required(block, "source", at + ".source");
        if (!source.isObject()) throw invalid(at + ".source", "Input should be a valid dictionary");
        return switch (requiredString(source, "type", at + ".source.type")) {
            case "base64" -> new ContentPart.Image("data:" + requiredString(source, "media_type", at + ".source.media_type")
                    + ";base64," + requiredString(source, "data", at + ".source.data"), null);
            case "url" -> new ContentPart.Image(requiredString(source, "url", at + ".source.url"), null);
            default -> throw invalid(at + ".source.type", "Input should be 'base64' or 'url'");
        };
    }

    private static ChatMessage toolResult(JsonNode block, String at) {
        String toolUseId = requiredString(block, "tool_use_id", at + ".tool_use_id");
        JsonNode content = block.get("content");
        String text;
        if (content == null || content.isNull()) text = "";
        else if (content.isTextual()) text = content.asText();
        else if (content.isArray()) text = texts(content, at + ".content");
        else throw invalid(at + ".content", "Input should be a valid string or list");
        if (Boolean.TRUE.equals(optionalBool(block, "is_error", at + ".is_error"))) text = "Error: " + text;
        return new ChatMessage(Role.TOOL, List.of(new ContentPart.Text(text)), true, null, List.of(), toolUseId, null);
    }

    /** The text of a list that may only hold text blocks. */
    private static String texts(JsonNode blocks, String at) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < blocks.size(); k++) {
            JsonNode b = blocks.get(k);
            if (!b.isObject() || !"text".equals(b.path("type").asText())) {
                throw invalid(at + "." + k + ".type", "Only text blocks are supported here");
            }
            sb.append(requiredString(b, "text", at + "." + k + ".text"));
        }
        return sb.toString();
    }

    private static List<ToolSpec> tools(JsonNode body) {
        JsonNode arr = optionalArray(body, "tools", "tools");
        if (arr == null) return List.of();
        List<ToolSpec> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            String at = "tools." + i;
            JsonNode t = arr.get(i);
            if (!t.isObject()) throw invalid(at, "Input should be a valid dictionary");
            String type = optionalString(t, "type", at + ".type");
            if (type != null && !type.equals("custom")) {
                throw invalid(at + ".type", "Tool type '" + type + "' is not supported by this gateway; only custom tools are");
            }
            String name = requiredString(t, "name", at + ".name");
            if (!TOOL_NAME.matcher(name).matches()) {
                throw invalid(at + ".name", "String should match pattern '^[a-zA-Z0-9_-]{1,128}$'");
            }
            JsonNode schema = required(t, "input_schema", at + ".input_schema");
            if (!schema.isObject()) throw invalid(at + ".input_schema", "Input should be a valid dictionary");
            validSchema(schema, at + ".input_schema");
            out.add(new ToolSpec(name, optionalString(t, "description", at + ".description"), schema,
                    optionalBool(t, "strict", at + ".strict")));
        }
        return List.copyOf(out);
    }

    private static ToolChoice toolChoice(JsonNode v, List<ToolSpec> tools) {
        if (v == null) return tools.isEmpty() ? new ToolChoice.None() : new ToolChoice.Auto();
        String type = requiredString(v, "type", "tool_choice.type");
        ToolChoice choice = switch (type) {
            case "auto" -> new ToolChoice.Auto();
            case "any" -> new ToolChoice.Required();
            case "none" -> new ToolChoice.None();
            case "tool" -> {
                String name = requiredString(v, "name", "tool_choice.name");
                if (tools.stream().noneMatch(t -> t.name().equals(name))) {
                    throw invalid("tool_choice.name", "Tool '" + name + "' is not among the provided tools");
                }
                yield new ToolChoice.Named(name);
            }
            default -> throw invalid("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'");
        };
        if (tools.isEmpty() && choice instanceof ToolChoice.Required) {
            throw invalid("tool_choice", "tool_choice 'any' needs at least one tool in 'tools'");
        }
        return tools.isEmpty() ? new ToolChoice.None() : choice;
    }

    private static ResponseFormat responseFormat(JsonNode body) {
        JsonNode config = optionalObject(body, "output_config", "output_config");
        JsonNode format = config == null ? null : optionalObject(config, "format", "output_config.format");
        if (format == null) return new ResponseFormat.Text();
        String type = requiredString(format, "type", "output_config.format.type");
        if (!type.equals("json_schema")) throw invalid("output_config.format.type", "Input should be 'json_schema'");
        JsonNode schema = required(format, "schema", "output_config.format.schema");
        if (!schema.isObject()) throw invalid("output_config.format.schema", "Input should be a valid dictionary");
        validSchema(schema, "output_config.format.schema");
        return new ResponseFormat.JsonSchema("output", null, schema, true);
    }

    private static void validSchema(JsonNode schema, String at) {
        String problem = dev.tokengate.schema.JsonSchemas.firstProblemCached(schema);
        if (problem != null) throw invalid(at, "Input should be a valid JSON Schema: " + problem);
    }

    private static List<String> stopSequences(JsonNode body) {
        JsonNode arr = optionalArray(body, "stop_sequences", "stop_sequences");
        if (arr == null) return List.of();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            if (!arr.get(i).isTextual()) throw invalid("stop_sequences." + i, "Input should be a valid string");
            out.add(arr.get(i).asText());
        }
        return List.copyOf(out);
    }
}
