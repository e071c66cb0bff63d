package dev.tokengate.wire.openai;

import static dev.tokengate.wire.openai.RequestReader.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.ContentPart;
import dev.tokengate.core.Json;
import dev.tokengate.core.ResponseFormat;
import dev.tokengate.core.Role;
import dev.tokengate.core.TokenLimitParam;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.ToolChoice;
import dev.tokengate.core.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads and validates an OpenAI Chat Completions request body into the canonical {@link ChatRequest}. Pure. */
public final class ChatRequestDecoder {
    /** The ranges OpenAI accepts, shared with {@link PlainChatRequestReader}, which must accept no more than this does. */
    static final double MAX_TEMPERATURE = 2, MAX_TOP_P = 1;
    static final int MAX_N = 128;

    /** Fields this decoder interprets; everything else is kept in {@link ChatRequest#passthrough()}. */
    private static final Set<String> INTERPRETED = Set.of("model", "messages", "tools", "tool_choice", "parallel_tool_calls",
            "response_format", "stream", "stream_options", "max_tokens", "max_completion_tokens", "temperature", "top_p", "n",
            "stop", "user");

    private ChatRequestDecoder() {}

    public static ChatRequest decode(JsonNode body) {
        if (!body.isObject()) throw ApiException.invalid(null, "The request body must be a JSON object.");
        String model = requiredString(body, "model", "model");
        if (model.isBlank()) throw ApiException.invalid("model", "'model' must not be empty.", "invalid_value");
        List<ChatMessage> messages = messages(body);
        List<ToolSpec> tools = tools(body);
        ToolChoice toolChoice = toolChoice(body, tools);
        Boolean parallel = optionalBool(body, "parallel_tool_calls", "parallel_tool_calls");
        ResponseFormat format = responseFormat(body);
        boolean stream = Boolean.TRUE.equals(optionalBool(body, "stream", "stream"));
        JsonNode so = optionalObject(body, "stream_options", "stream_options");
        boolean includeUsage = so != null && Boolean.TRUE.equals(optionalBool(so, "include_usage", "stream_options.include_usage"));
        if (so != null && !stream) {
            throw ApiException.invalid("stream_options", "'stream_options' is only allowed when 'stream' is true.", "invalid_value");
        }
        Integer maxCompletion = optionalInt(body, "max_completion_tokens", "max_completion_tokens", 1, Integer.MAX_VALUE);
        Integer maxTokens = optionalInt(body, "max_tokens", "max_tokens", 1, Integer.MAX_VALUE);
        Double temperature = optionalNumber(body, "temperature", "temperature", 0, MAX_TEMPERATURE);
        Double topP = optionalNumber(body, "top_p", "top_p", 0, MAX_TOP_P);
        Integer n = optionalInt(body, "n", "n", 1, MAX_N);
        List<String> stop = stop(body);
        String user = optionalString(body, "user", "user");
        optionalNumber(body, "frequency_penalty", "frequency_penalty", -2, 2);
        optionalNumber(body, "presence_penalty", "presence_penalty", -2, 2);
        optionalInt(body, "top_logprobs", "top_logprobs", 0, 20);
        optionalBool(body, "logprobs", "logprobs");
        optionalObject(body, "logit_bias", "logit_bias");
        optionalObject(body, "metadata", "metadata");
        ObjectNode passthrough = Json.object();
        body.fields().forEachRemaining(e -> {
            if (!INTERPRETED.contains(e.getKey())) passthrough.set(e.getKey(), e.getValue());
        });
        return new ChatRequest(model, messages, tools, toolChoice, parallel, format, stream, includeUsage,
                maxCompletion != null ? maxCompletion : maxTokens, limitParam(maxCompletion, maxTokens), temperature, topP,
                n == null ? 1 : n, stop, user, passthrough);
    }

    /** The name the request gave its output limit: max_completion_tokens when it sent both (that one is used). */
    static TokenLimitParam limitParam(Integer maxCompletionTokens, Integer maxTokens) {
        if (maxCompletionTokens != null) return TokenLimitParam.MAX_COMPLETION_TOKENS;
        return maxTokens != null ? TokenLimitParam.MAX_TOKENS : null;
    }

    private static List<ChatMessage> messages(JsonNode body) {
        JsonNode arr = body.get("messages");
        if (arr == null || arr.isNull()) throw ApiException.invalid("messages", "Missing required parameter: 'messages'.", "missing_required_parameter");
        if (!arr.isArray()) throw wrongType("messages", "an array", arr);
        if (arr.isEmpty()) throw ApiException.invalid("messages", "'messages' must contain at least one message.", "invalid_value");
        List<ChatMessage> out = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) out.add(message(arr.get(i), "messages[" + i + "]"));
        return List.copyOf(out);
    }

    public static ChatMessage message(JsonNode m, String at) {
        if (!m.isObject()) throw wrongType(at, "an object", m);
        String roleText = requiredString(m, "role", at + ".role");
        Role role = Role.fromWire(roleText);
        if (role == null) {
            throw ApiException.invalid(at + ".role", "Invalid value for '" + at + ".role': '" + roleText
                    + "'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.", "invalid_value");
        }
        JsonNode content = m.get("content");
        boolean contentOptional = role == Role.ASSISTANT;
        List<ContentPart> parts;
        boolean isString = false;
        if (content == null || content.isNull()) {
            if (!contentOptional) throw ApiException.invalid(at + ".content", "Missing required parameter: '" + at + ".content'.", "missing_required_parameter");
            parts = null;
        } else if (content.isTextual()) {
            parts = List.of(new ContentPart.Text(content.asText()));
            isString = true;
        } else if (content.isArray()) {
            parts = new ArrayList<>();
            for (int k = 0; k < content.size(); k++) parts.add(part(content.get(k), at + ".content[" + k + "]", role));
            parts = List.copyOf(parts);
        } else {
            throw wrongType(at + ".content", "a string or an array of content parts", content);
        }
        String name = optionalString(m, "name", at + ".name");
        List<ToolCall> calls = List.of();
        JsonNode tc = optionalArray(m, "tool_calls", at + ".tool_calls");
        if (tc != null) {
            if (role != Role.ASSISTANT) throw ApiException.invalid(at + ".tool_calls", "'tool_calls' is only allowed on assistant messages.", "invalid_value");
            List<ToolCall> list = new ArrayList<>();
            for (int k = 0; k < tc.size(); k++) {
                String p = at + ".tool_calls[" + k + "]";
                JsonNode call = tc.get(k);
                if (!call.isObject()) throw wrongType(p, "an object", call);
                JsonNode fn = call.get("function");
                if (fn == null || !fn.isObject()) throw ApiException.invalid(p + ".function", "Missing required parameter: '" + p + ".function'.", "missing_required_parameter");
                list.add(new ToolCall(requiredString(call, "id", p + ".id"), requiredString(fn, "name", p + ".function.name"),
                        requiredString(fn, "arguments", p + ".function.arguments")));
            }
            calls = List.copyOf(list);
        }
        String toolCallId = null;
        if (role == Role.TOOL) toolCallId = requiredString(m, "tool_call_id", at + ".tool_call_id");
        String refusal = optionalString(m, "refusal", at + ".refusal");
        return new ChatMessage(role, parts, isString, name, calls, toolCallId, refusal);
    }

    private static ContentPart part(JsonNode p, String at, Role role) {
        if (!p.isObject()) throw wrongType(at, "an object", p);
        String type = requiredString(p, "type", at + ".type");
        switch (type) {
            case "text" -> {
                return new ContentPart.Text(requiredString(p, "text", at + ".text"));
            }
            case "image_url" -> {
                if (role != Role.USER) throw ApiException.invalid(at + ".type", "Image content is only allowed in user messages.", "invalid_value");
                JsonNode img = p.get("image_url");
                if (img == null || !img.isObject()) throw ApiException.invalid(at + ".image_url", "Missing required parameter: '" + at + ".image_url'.", "missing_required_parameter");
                String url = requiredString(img, "url", at + ".image_url.url");
                return new ContentPart.Image(url, optionalString(img, "detail", at + ".image_url.detail"));
            }
            case "input_audio", "file", "refusal" -> {
                return new ContentPart.Opaque(type, p);
            }
            default -> throw ApiException.invalid(at + ".type", "Invalid value for '" + at + ".type': '" + type
                    + "'. Supported values are: 'text', 'image_url', 'input_audio', 'file' and 'refusal'.", "invalid_value");
        }
    }

    private static List<ToolSpec> tools(JsonNode body) {
        JsonNode arr = optionalArray(body, "tools", "tools");
        if (arr == null) return List.of();
        List<ToolSpec> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode t = arr.get(i);
            if (!t.isObject()) throw wrongType(at, "an object", t);
            String type = requiredString(t, "type", at + ".type");
            if (!type.equals("function")) {
                throw ApiException.invalid(at + ".type", "Invalid value for '" + at + ".type': '" + type + "'. Supported values are: 'function'.", "invalid_value");
            }
            JsonNode fn = t.get("function");
            if (fn == null || !fn.isObject()) throw ApiException.invalid(at + ".function", "Missing required parameter: '" + at + ".function'.", "missing_required_parameter");
            out.add(ToolDecoding.function(fn, at + ".function"));
        }
        return List.copyOf(out);
    }

    private static ToolChoice toolChoice(JsonNode body, List<ToolSpec> tools) {
        JsonNode v = body.get("tool_choice");
        if (v == null || v.isNull()) return tools.isEmpty() ? new ToolChoice.None() : new ToolChoice.Auto();
        if (v.isTextual()) return ToolDecoding.mode(v, tools);
        if (!v.isObject()) throw wrongType("tool_choice", "a string or an object", v);
        String type = requiredString(v, "type", "tool_choice.type");
        if (!type.equals("function")) {
            throw ApiException.invalid("tool_choice.type", "Invalid value for 'tool_choice.type': '" + type + "'. Supported values are: 'function'.", "invalid_value");
        }
        JsonNode fn = v.get("function");
        if (fn == null || !fn.isObject()) throw ApiException.invalid("tool_choice.function", "Missing required parameter: 'tool_choice.function'.", "missing_required_parameter");
        return ToolDecoding.named(requiredString(fn, "name", "tool_choice.function.name"), "tool_choice.function.name", tools);
    }

    private static ResponseFormat responseFormat(JsonNode body) {
        JsonNode rf = optionalObject(body, "response_format", "response_format");
        if (rf == null) return new ResponseFormat.Text();
        String type = requiredString(rf, "type", "response_format.type");
        return switch (type) {
            case "text" -> new ResponseFormat.Text();
            case "json_object" -> new ResponseFormat.JsonObject();
            case "json_schema" -> {
                JsonNode js = rf.get("json_schema");
                if (js == null || !js.isObject()) {
                    throw ApiException.invalid("response_format.json_schema", "Missing required parameter: 'response_format.json_schema'.", "missing_required_parameter");
                }
                String name = requiredString(js, "name", "response_format.json_schema.name");
                if (!ToolDecoding.FUNCTION_NAME.matcher(name).matches()) {
                    throw ApiException.invalid("response_format.json_schema.name", "Invalid 'response_format.json_schema.name': expected 1 to 64 characters from a-z, A-Z, 0-9, underscores and dashes.", "invalid_value");
                }
                JsonNode schema = optionalSchema(js, "schema", "response_format.json_schema.schema");
                yield new ResponseFormat.JsonSchema(name, optionalString(js, "description", "response_format.json_schema.description"),
                        schema, optionalBool(js, "strict", "response_format.json_schema.strict"));
            }
            default -> throw ApiException.invalid("response_format.type", "Invalid value for 'response_format.type': '" + type
                    + "'. Supported values are: 'text', 'json_object' and 'json_schema'.", "invalid_value");
        };
    }

    private static List<String> stop(JsonNode body) {
        JsonNode v = body.get("stop");
        if (v == null || v.isNull()) return List.of();
        if (v.isTextual()) return List.of(v.asText());
        if (!v.isArray()) throw wrongType("stop", "a string or an array of strings", v);
        if (v.size() > 4) throw ApiException.invalid("stop", "'stop' may hold at most 4 sequences.", "invalid_value");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) throw wrongType("stop[" + i + "]", "a string", v.get(i));
            out.add(v.get(i).asText());
        }
        return List.copyOf(out);
    }
}
