package dev.tokengate.wire.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.Role;
import dev.tokengate.schema.JsonSchemas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Validates job API bodies (seed 000). Every error is a 400 naming the field, prefixed with the item index in batches. */
public final class JobRequestDecoder {
    public static final int DEFAULT_TIMEOUT = 90;
    public static final int DEFAULT_CACHE_TTL = 300;
    private static final Set<String> ROLES = Set.of("developer", "user", "assistant");

    private JobRequestDecoder() {}

    public static JobSpec decode(JsonNode body, String at) {
        String p = at.isEmpty() ? "" : at + ".";
        if (!body.isObject()) throw ApiException.invalid(at.isEmpty() ? null : at, (at.isEmpty() ? "The body" : at) + " must be a JSON object.");
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) throw missing(p + "model");
        if (!model.isTextual() || model.asText().isBlank()) throw ApiException.invalid(p + "model", "'" + p + "model' must be a non-empty string.");
        int timeout = number(body, "timeout", p, 30, 120, DEFAULT_TIMEOUT);
        int ttl = number(body, "message_cache_ttl", p, 180, 3600, DEFAULT_CACHE_TTL);
        JsonNode schema = responseFormat(body.get("response_format"), p);
        List<ChatMessage> messages = messages(body.get("messages"), p);
        JobSpec.Callback callback = callback(body.get("callback"), p);
        return new JobSpec(model.asText(), timeout, ttl, schema, messages, callback);
    }

    private static int number(JsonNode body, String field, String p, int min, int max, int dflt) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return dflt;
        if (!v.isNumber()) throw ApiException.invalid(p + field, "'" + p + field + "' must be a number of seconds between " + min + " and " + max + ".");
        double d = v.asDouble();
        if (d < min || d > max) {
            throw ApiException.invalid(p + field, "'" + p + field + "' must be between " + min + " and " + max + " seconds, got " + v + ".");
        }
        return (int) Math.ceil(d);
    }

    private static JsonNode responseFormat(JsonNode rf, String p) {
        String at = p + "response_format";
        if (rf == null || rf.isNull()) throw missing(at);
        if (!rf.isObject()) throw ApiException.invalid(at, "'" + at + "' must be an object: {\"format\":\"text\"} or {\"format\":\"json\",\"schema\":{...}}.");
        JsonNode f = rf.get("format");
        if (f == null || !f.isTextual()) throw ApiException.invalid(at + ".format", "'" + at + ".format' must be \"text\" or \"json\".");
        return switch (f.asText()) {
            case "text" -> null;
            case "json" -> {
                JsonNode schema = rf.get("schema");
                if (schema == null || schema.isNull()) throw missing(at + ".schema");
                List<String> problems = JsonSchemas.problemsWithSchema(schema);
                if (!problems.isEmpty()) {
                    throw ApiException.invalid(at + ".schema", "'" + at + ".schema' is not a valid JSON Schema: " + problems.get(0));
                }
                yield schema;
            }
            default -> throw ApiException.invalid(at + ".format", "'" + at + ".format' must be \"text\" or \"json\", got \"" + f.asText() + "\".");
        };
    }

    private static List<ChatMessage> messages(JsonNode arr, String p) {
        String at = p + "messages";
        if (arr == null || arr.isNull()) throw missing(at);
        if (!arr.isArray() || arr.isEmpty()) throw ApiException.invalid(at, "'" + at + "' must be a non-empty array of messages.");
        List<ChatMessage> out = new ArrayList<>();
        boolean hasUser = false;
        for (int i = 0; i < arr.size(); i++) {
            String mp = at + "[" + i + "]";
            JsonNode m = arr.get(i);
            if (!m.isObject()) throw ApiException.invalid(mp, "'" + mp + "' must be an object with role and content.");
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
                throw ApiException.invalid(mp + ".role", "'" + mp + ".role' must be one of developer, user, assistant.");
            }
            hasUser |= role.asText().equals("user");
            out.add(ChatMessage.text(Role.fromWire(role.asText()), content(m.get("content"), mp + ".content")));
        }
        if (!hasUser) throw ApiException.invalid(at, "At least one message with role \"user\" is required.");
        return List.copyOf(out);
    }

    private static String content(JsonNode c, String at) {
        if (c == null || c.isNull()) throw missing(at);
        if (c.isTextual()) return c.asText();
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < c.size(); i++) {
                JsonNode part = c.get(i);
                if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
                    throw ApiException.invalid(at + "[" + i + "]", "'" + at + "[" + i + "]' must be {\"type\":\"text\",\"text\":\"...\"}.");
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw ApiException.invalid(at, "'" + at + "' must be a string or an array of text parts.");
    }

    private static JobSpec.Callback callback(JsonNode cb, String p) {
        String at = p + "callback";
        if (cb == null || cb.isNull()) return null;
        if (!cb.isObject()) throw ApiException.invalid(at, "'" + at + "' must be an object.");
        JsonNode url = cb.get("callback_url");
        if (url == null || !url.isTextual()) throw ApiException.invalid(at + ".callback_url", "'" + at + ".callback_url' is required and must be a string.");
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode h = cb.get("callback_headers");
        if (h != null && !h.isNull()) {
            if (!h.isObject()) throw ApiException.invalid(at + ".callback_headers", "'" + at + ".callback_headers' must be an object of strings.");
            var it = h.fields();
            while (it.hasNext()) {
                var e = it.next();
                if (!e.getValue().isTextual()) throw ApiException.invalid(at + ".callback_headers." + e.getKey(), "header values must be strings.");
                if (!e.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}") || e.getValue().asText().matches("(?s).*[\\r\\n].*")) {
                    throw ApiException.invalid(at + ".callback_headers." + e.getKey(), "not a valid HTTP header.");
                }
                headers.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode payload = cb.get("callback_payload");
        return new JobSpec.Callback(url.asText(), Map.copyOf(headers), payload == null || payload.isNull() ? null : payload);
    }

    private static ApiException missing(String field) {
        return ApiException.invalid(field, "Missing required field: '" + field + "'.");
    }
}
