package dev.tokengate.wire.batches;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.Json;
import dev.tokengate.wire.openai.ChatRequestDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads Letta's CreateBatch (seed 003): {@code {"requests":[...], "callback_url": ...}}. Each request carries
 * {@code messages} (or {@code input}, a single user message), an optional opaque {@code agent_id}, and our additions:
 * {@code model} (default from config) and the generation parameters max_tokens, temperature, top_p, stop and
 * response_format, as in Chat Completions. Every request is validated as the chat completion it becomes.
 */
public final class LettaBatchDecoder {
    private static final Set<String> PASSED = Set.of("max_tokens", "max_completion_tokens", "temperature", "top_p", "stop",
            "response_format", "tools", "tool_choice");
    private static final Set<String> ROLES = Set.of("user", "system", "assistant", "developer");

    public record Item(String agentId, String model, String chatBody, ChatRequest chat) {}

    public record Request(List<Item> items, String callbackUrl) {}

    /** The longest agent id every store keeps (the batches.agent_id column). */
    static final int MAX_AGENT_ID = 200;

    private LettaBatchDecoder() {}

    public static Request decode(JsonNode body, String defaultModel, int maxRequests) {
        if (!body.isObject()) throw ApiException.invalid(null, "The request body must be a JSON object with 'requests'.");
        JsonNode requests = body.get("requests");
        if (requests == null || requests.isNull()) throw ApiException.invalid("requests", "Missing required parameter: 'requests'.", "missing_required_parameter");
        if (!requests.isArray() || requests.isEmpty()) throw ApiException.invalid("requests", "'requests' must be a non-empty array.", "invalid_value");
        if (requests.size() > maxRequests) {
            throw ApiException.invalid("requests", "A batch may hold at most " + maxRequests + " requests; got " + requests.size() + ".", "invalid_value");
        }
        String callbackUrl = null;
        JsonNode cb = body.get("callback_url");
        if (cb != null && !cb.isNull()) {
            if (!cb.isTextual()) throw ApiException.invalid("callback_url", "'callback_url' must be a string URL or null.", "invalid_type");
            callbackUrl = cb.asText();
        }
        List<Item> items = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) items.add(item(requests.get(i), "requests[" + i + "]", defaultModel));
        return new Request(items, callbackUrl);
    }

    private static Item item(JsonNode r, String at, String defaultModel) {
        if (!r.isObject()) throw ApiException.invalid(at, "'" + at + "' must be an object.", "invalid_type");
        JsonNode agent = r.get("agent_id");
        if (agent != null && !agent.isNull() && !agent.isTextual()) throw ApiException.invalid(at + ".agent_id", "'" + at + ".agent_id' must be a string.", "invalid_type");
        if (agent != null && agent.isTextual() && agent.asText().length() > MAX_AGENT_ID) {
            throw ApiException.invalid(at + ".agent_id", "'" + at + ".agent_id' must be at most " + MAX_AGENT_ID + " characters.",
                    "string_above_max_length");
        }
        JsonNode model = r.get("model");
        if (model != null && !model.isNull() && !model.isTextual()) throw ApiException.invalid(at + ".model", "'" + at + ".model' must be a string.", "invalid_type");
        String modelName = model == null || model.isNull() ? defaultModel : model.asText();
        ObjectNode chat = Json.object();
        chat.put("model", modelName);
        chat.set("messages", messages(r, at));
        PASSED.forEach(k -> {
            if (r.has(k)) chat.set(k, r.get(k));
        });
        ChatRequest decoded;
        try {
            decoded = ChatRequestDecoder.decode(chat);
        } catch (ApiException e) {
            throw new ApiException(e.kind(), at + ": " + e.getMessage(), e.param() == null ? at : at + "." + e.param(), e.code());
        }
        return new Item(agent == null || agent.isNull() ? null : agent.asText(), modelName, Json.text(chat), decoded);
    }

    private static ArrayNode messages(JsonNode r, String at) {
        JsonNode messages = r.get("messages");
        JsonNode input = r.get("input");
        boolean hasMessages = messages != null && !messages.isNull();
        boolean hasInput = input != null && !input.isNull();
        if (hasMessages == hasInput) {
            throw ApiException.invalid(at + ".messages", "'" + at + "' needs exactly one of 'messages' or 'input'.", "invalid_value");
        }
        ArrayNode out = Json.array();
        if (hasInput) {
            if (!input.isTextual() && !input.isArray()) throw ApiException.invalid(at + ".input", "'" + at + ".input' must be a string or an array of content parts.", "invalid_type");
            out.addObject().put("role", "user").set("content", input);
            return out;
        }
        if (!messages.isArray() || messages.isEmpty()) throw ApiException.invalid(at + ".messages", "'" + at + ".messages' must be a non-empty array.", "invalid_value");
        for (int k = 0; k < messages.size(); k++) {
            JsonNode m = messages.get(k);
            String mp = at + ".messages[" + k + "]";
            if (!m.isObject()) throw ApiException.invalid(mp, "'" + mp + "' must be an object.", "invalid_type");
            String role = m.path("role").asText("");
            if (!ROLES.contains(role)) throw ApiException.invalid(mp + ".role", "'" + mp + ".role' must be one of user, system, assistant.", "invalid_value");
            ObjectNode msg = out.addObject();
            msg.put("role", role);
            msg.set("content", m.get("content"));
            JsonNode name = m.get("name");
            if (name != null && !name.isNull() && !name.isTextual()) {
                throw ApiException.invalid(mp + ".name", "'" + mp + ".name' must be a string.", "invalid_type");
            }
            if (name != null && name.isTextual()) msg.put("name", name.asText());
        }
        return out;
    }
}
