package dev.tokengate.wire.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.ApiException;

/**
 * Typed access to Anthropic request fields. Failures are 400s whose message starts with the field's dotted path
 * ({@code messages.0.content}), as Anthropic's own validation messages do.
 */
final class Fields {
    private Fields() {}

    static ApiException invalid(String path, String problem) {
        return ApiException.invalid(path, path + ": " + problem);
    }

    static JsonNode required(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) throw invalid(path, "Field required");
        return v;
    }

    static String requiredString(JsonNode parent, String field, String path) {
        JsonNode v = required(parent, field, path);
        if (!v.isTextual()) throw invalid(path, "Input should be a valid string");
        return v.asText();
    }

    static String optionalString(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw invalid(path, "Input should be a valid string");
        return v.asText();
    }

    static Boolean optionalBool(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) throw invalid(path, "Input should be a valid boolean");
        return v.asBoolean();
    }

    static int requiredInt(JsonNode parent, String field, String path, long min) {
        JsonNode v = required(parent, field, path);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) throw invalid(path, "Input should be a valid integer");
        if (v.asLong() < min) throw invalid(path, "Input should be greater than or equal to " + min);
        return v.asInt();
    }

    static Integer optionalInt(JsonNode parent, String field, String path, long min) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return null;
        return requiredInt(parent, field, path, min);
    }

    static Double optionalNumber(JsonNode parent, String field, String path, double min, double max) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber()) throw invalid(path, "Input should be a valid number");
        double d = v.asDouble();
        if (d < min) throw invalid(path, "Input should be greater than or equal to " + min);
        if (d > max) throw invalid(path, "Input should be less than or equal to " + max);
        return d;
    }

    static JsonNode optionalObject(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) throw invalid(path, "Input should be a valid dictionary");
        return v;
    }

    static JsonNode optionalArray(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw invalid(path, "Input should be a valid list");
        return v;
    }
}
