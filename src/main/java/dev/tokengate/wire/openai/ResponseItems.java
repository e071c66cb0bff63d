package dev.tokengate.wire.openai;

import static dev.tokengate.wire.openai.RequestReader.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ContentPart;
import dev.tokengate.core.Json;
import dev.tokengate.core.Role;
import dev.tokengate.core.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Responses API input items to canonical chat messages. Each item is validated (400 naming its path) and normalized to
 * the shape {@code input_items} lists: an id, a status, content always an array of parts. Normalized items decode to
 * the same messages again, which is how a stored conversation is continued.
 */
public final class ResponseItems {
    private static final Set<String> IMAGE_DETAILS = Set.of("auto", "low", "high", "original");

    /** The items of one request (normalized) and the chat messages they make. */
    public record Conversation(List<ObjectNode> items, List<ChatMessage> messages) {}

    private ResponseItems() {}

    /** Reads {@code input}: a string (one user message) or an array of items. */
    public static Conversation read(JsonNode input, String path, ResponseIds ids) {
        if (input == null || input.isNull()) {
            throw ApiException.invalid(path, "Missing required parameter: '" + path + "'.", "missing_required_parameter");
        }
        if (input.isTextual()) {
            ObjectNode item = message(ids.next("msg_"), "user", Json.array().add(inputText(input.asText())));
            return new Conversation(List.of(item), List.of(ChatMessage.text(Role.USER, input.asText())));
        }
        if (!input.isArray()) throw wrongType(path, "a string or an array of input items", input);
        if (input.isEmpty()) throw ApiException.invalid(path, "'" + path + "' must contain at least one item.", "invalid_value");
        List<ObjectNode> items = new ArrayList<>();
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) item(input.get(i), path + "[" + i + "]", ids, items, messages);
        return new Conversation(List.copyOf(items), List.copyOf(messages));
    }

    /** The chat messages of items that were normalized before (stored conversations). */
    static List<ChatMessage> messages(List<ObjectNode> normalized) {
        if (normalized.isEmpty()) return List.of();
        ArrayNode arr = Json.array();
        normalized.forEach(arr::add);
        return read(arr, "input", ResponseIds.random()).messages();
    }

    private static void item(JsonNode item, String at, ResponseIds ids, List<ObjectNode> items, List<ChatMessage> messages) {
        if (!item.isObject()) throw wrongType(at, "an object", item);
        String type = optionalString(item, "type", at + ".type");
        if (type == null) {
            if (!item.has("role")) throw ApiException.invalid(at + ".type", "Missing required parameter: '" + at + ".type'.", "missing_required_parameter");
            type = "message";
        }
        String id = optionalString(item, "id", at + ".id");
        switch (type) {
            case "message" -> messageItem(item, at, id != null ? id : ids.next("msg_"), items, messages);
            case "function_call" -> functionCall(item, at, id != null ? id : ids.next("fc_"), items, messages);
            case "function_call_output" -> functionCallOutput(item, at, id != null ? id : ids.next("fco_"), items, messages);
            case "item_reference", "reasoning" -> throw ApiException.invalid(at + ".type", "Input items of type '" + type
                    + "' are not supported by this gateway; send the item itself, or continue with 'previous_response_id'.", "unsupported_value");
            default -> throw ApiException.invalid(at + ".type", "Invalid value for '" + at + ".type': '" + type
                    + "'. Supported values are: 'message', 'function_call' and 'function_call_output'.", "invalid_value");
        }
    }

    private static void messageItem(JsonNode item, String at, String id, List<ObjectNode> items, List<ChatMessage> messages) {
        String roleText = requiredString(item, "role", at + ".role");
        Role role = switch (roleText) {
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "system" -> Role.SYSTEM;
            case "developer" -> Role.DEVELOPER;
            default -> throw ApiException.invalid(at + ".role", "Invalid value for '" + at + ".role': '" + roleText
                    + "'. Supported values are: 'user', 'assistant', 'system' and 'developer'.", "invalid_value");
        };
        JsonNode content = item.get("content");
        if (content == null || content.isNull()) {
            throw ApiException.invalid(at + ".content", "Missing required parameter: '" + at + ".content'.", "missing_required_parameter");
        }
        ArrayNode parts = Json.array();
        if (content.isTextual()) {
            parts.add(role == Role.ASSISTANT ? outputText(content.asText()) : inputText(content.asText()));
        } else if (content.isArray()) {
            for (int k = 0; k < content.size(); k++) parts.add(part(content.get(k), at + ".content[" + k + "]", role));
        } else {
            throw wrongType(at + ".content", "a string or an array of content parts", content);
        }
        ObjectNode normalized = message(id, roleText, parts);
        items.add(normalized);
        messages.add(role == Role.ASSISTANT ? assistantMessage(parts) : chatMessage(role, parts));
    }

    private static ObjectNode part(JsonNode p, String at, Role role) {
        if (!p.isObject()) throw wrongType(at, "an object", p);
        String type = requiredString(p, "type", at + ".type");
        if (role == Role.ASSISTANT) {
            return switch (type) {
                case "output_text" -> outputText(requiredString(p, "text", at + ".text"));
                case "refusal" -> Json.object().put("type", "refusal").put("refusal", requiredString(p, "refusal", at + ".refusal"));
                default -> throw ApiException.invalid(at + ".type", "Invalid value for '" + at + ".type': '" + type
                        + "'. Supported values in assistant messages are: 'output_text' and 'refusal'.", "invalid_value");
            };
        }
        return switch (type) {
            case "input_text" -> inputText(requiredString(p, "text", at + ".text"));
            case "input_image" -> {
                userOnly(role, at, type);
                String url = optionalString(p, "image_url", at + ".image_url");
                String fileId = optionalString(p, "file_id", at + ".file_id");
                if (fileId != null) {
                    throw ApiException.invalid(at + ".file_id", "Images by 'file_id' are not supported by this gateway; send 'image_url' (an http(s) URL or a data: URI).", "unsupported_value");
                }
                if (url == null) throw ApiException.invalid(at + ".image_url", "Missing required parameter: '" + at + ".image_url'.", "missing_required_parameter");
                String detail = optionalString(p, "detail", at + ".detail");
                if (detail != null && !IMAGE_DETAILS.contains(detail)) {
                    throw ApiException.invalid(at + ".detail", "Invalid value for '" + at + ".detail': '" + detail
                            + "'. Supported values are: 'auto', 'low', 'high' and 'original'.", "invalid_value");
                }
                yield Json.object().put("type", "input_image").put("image_url", url).put("detail", detail == null ? "auto" : detail);
            }
            case "input_file" -> {
                userOnly(role, at, type);
                if (p.hasNonNull("file_url")) {
                    throw ApiException.invalid(at + ".file_url", "Files by 'file_url' are not supported by this gateway; send 'file_data' or 'file_id'.", "unsupported_value");
                }
                String data = optionalString(p, "file_data", at + ".file_data");
                String fileId = optionalString(p, "file_id", at + ".file_id");
                String filename = optionalString(p, "filename", at + ".filename");
                if (data == null && fileId == null) {
                    throw ApiException.invalid(at + ".file_data", "Missing required parameter: '" + at + ".file_data' (or '" + at + ".file_id').", "missing_required_parameter");
                }
                ObjectNode f = Json.object().put("type", "input_file");
                if (fileId != null) f.put("file_id", fileId);
                if (data != null) f.put("file_data", data);
                if (filename != null) f.put("filename", filename);
                yield f;
            }
            default -> throw ApiException.invalid(at + ".type", "Invalid value for '" + at + ".type': '" + type
                    + "'. Supported values are: 'input_text', 'input_image' and 'input_file'.", "invalid_value");
        };
    }

    private static void userOnly(Role role, String at, String type) {
        if (role != Role.USER) {
            throw ApiException.invalid(at + ".type", "'" + type + "' content is only allowed in user messages.", "invalid_value");
        }
    }

    private static void functionCall(JsonNode item, String at, String id, List<ObjectNode> items, List<ChatMessage> messages) {
        ToolCall call = new ToolCall(requiredString(item, "call_id", at + ".call_id"), requiredString(item, "name", at + ".name"),
                requiredString(item, "arguments", at + ".arguments"));
        items.add(ResponseEncoder.functionCallItem(id, call, "completed"));
        ChatMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        // consecutive calls (and a call after the assistant's text) belong to one assistant turn, as chat upstreams expect
        if (last != null && last.role() == Role.ASSISTANT) {
            List<ToolCall> calls = new ArrayList<>(last.toolCalls());
            calls.add(call);
            messages.set(messages.size() - 1, new ChatMessage(Role.ASSISTANT, last.content(), last.contentIsString(), null,
                    List.copyOf(calls), null, last.refusal()));
        } else {
            messages.add(ChatMessage.assistant(null, List.of(call)));
        }
    }

    private static void functionCallOutput(JsonNode item, String at, String id, List<ObjectNode> items, List<ChatMessage> messages) {
        String callId = requiredString(item, "call_id", at + ".call_id");
        JsonNode output = item.get("output");
        if (output == null || output.isNull()) throw ApiException.invalid(at + ".output", "Missing required parameter: '" + at + ".output'.", "missing_required_parameter");
        String text;
        if (output.isTextual()) {
            text = output.asText();
        } else if (output.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < output.size(); k++) {
                String p = at + ".output[" + k + "]";
                JsonNode part = output.get(k);
                if (!part.isObject()) throw wrongType(p, "an object", part);
                String type = requiredString(part, "type", p + ".type");
                if (!type.equals("input_text")) {
                    throw ApiException.invalid(p + ".type", "Invalid value for '" + p + ".type': '" + type
                            + "'. This gateway supports only 'input_text' in function call outputs.", "unsupported_value");
                }
                sb.append(requiredString(part, "text", p + ".text"));
            }
            text = sb.toString();
        } else {
            throw wrongType(at + ".output", "a string or an array of content parts", output);
        }
        ObjectNode normalized = Json.object().put("type", "function_call_output").put("id", id).put("call_id", callId);
        normalized.set("output", output);
        normalized.put("status", "completed");
        items.add(normalized);
        messages.add(new ChatMessage(Role.TOOL, List.of(new ContentPart.Text(text)), true, null, List.of(), callId, null));
    }

    private static ChatMessage chatMessage(Role role, ArrayNode parts) {
        List<ContentPart> content = new ArrayList<>();
        for (JsonNode p : parts) {
            switch (p.path("type").asText()) {
                case "input_text" -> content.add(new ContentPart.Text(p.path("text").asText()));
                case "input_image" -> content.add(new ContentPart.Image(p.path("image_url").asText(), chatDetail(p.path("detail").asText())));
                default -> content.add(new ContentPart.Opaque("file", chatFilePart(p)));
            }
        }
        boolean single = content.size() == 1 && content.get(0) instanceof ContentPart.Text;
        return new ChatMessage(role, List.copyOf(content), single, null, List.of(), null, null);
    }

    /** Chat Completions knows auto, low and high; "original" asks for full resolution, the nearest is high. */
    private static String chatDetail(String detail) {
        return detail.equals("original") ? "high" : detail;
    }

    private static ObjectNode chatFilePart(JsonNode p) {
        ObjectNode part = Json.object().put("type", "file");
        ObjectNode file = part.putObject("file");
        for (String k : List.of("file_id", "file_data", "filename")) {
            if (p.hasNonNull(k)) file.put(k, p.get(k).asText());
        }
        return part;
    }

    private static ChatMessage assistantMessage(ArrayNode parts) {
        StringBuilder text = new StringBuilder();
        String refusal = null;
        for (JsonNode p : parts) {
            if (p.path("type").asText().equals("refusal")) refusal = p.path("refusal").asText();
            else text.append(p.path("text").asText());
        }
        ChatMessage m = ChatMessage.assistant(refusal != null && text.isEmpty() ? null : text.toString(), List.of());
        return new ChatMessage(m.role(), m.content(), true, null, List.of(), null, refusal);
    }

    private static ObjectNode message(String id, String role, ArrayNode content) {
        ObjectNode o = Json.object().put("type", "message").put("id", id).put("role", role).put("status", "completed");
        o.set("content", content);
        return o;
    }

    private static ObjectNode inputText(String text) {
        return Json.object().put("type", "input_text").put("text", text);
    }

    static ObjectNode outputText(String text) {
        ObjectNode o = Json.object().put("type", "output_text").put("text", text);
        o.putArray("annotations");
        o.putArray("logprobs");
        return o;
    }
}
