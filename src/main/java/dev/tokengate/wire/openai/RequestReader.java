package dev.tokengate.wire.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.ApiException;

/** Typed access to request fields; every failure is a 400 naming the field by its JSON path. */
final class RequestReader {
    private RequestReader() {}

    static String requiredString(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) throw ApiException.invalid(path, "Missing required parameter: '" + path + "'.", "missing_required_parameter");
        if (!v.isTextual()) throw wrongType(path, "a string", v);
        return v.asText();
    }

    static String optionalString(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw wrongType(path, "a string", v);
        return v.asText();
    }

    static Boolean optionalBool(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isBoolean()) throw wrongType(path, "a boolean", v);
        return v.asBoolean();
    }

    static Integer optionalInt(JsonNode parent, String field, String path, long min, long max) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) throw wrongType(path, "an integer", v);
        if (!v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw ApiException.invalid(path, "Invalid '" + path + "': must be between " + min + " and " + max + ", got " + v + ".",
                    "invalid_value");
        }
        return (int) v.asLong();
    }

    static Double optionalNumber(JsonNode parent, String field, String path, double min, double max) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber()) throw wrongType(path, "a number", v);
        double d = v.asDouble();
        if (Double.isNaN(d) || d < min || d > max) {
            throw ApiException.invalid(path, "Invalid '" + path + "': must be between " + min + " and " + max + ", got " + v + ".",
                    "invalid_value");
        }
        return d;
    }

    static JsonNode optionalObject(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) throw wrongType(path, "an object", v);
        return v;
    }

    /** An optional object that must be a valid JSON Schema (tool parameters, structured output): 400 naming it otherwise. */
    static JsonNode optionalSchema(JsonNode parent, String field, String path) {
        JsonNode v = optionalObject(parent, field, path);
        if (v == null) return null;
        String problem = dev.tokengate.schema.JsonSchemas.firstProblemCached(v);
        if (problem != null) {
            throw ApiException.invalid(path, "Invalid schema in '" + path + "': " + problem, "invalid_value");
        }
        return v;
    }

    static JsonNode optionalArray(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isArray()) throw wrongType(path, "an array", v);
        return v;
    }

    static ApiException wrongType(String path, String expected, JsonNode got) {
        return ApiException.invalid(path, "Invalid type for '" + path + "': expected " + expected + ", but got " + kind(got) + ".",
                "invalid_type");
    }

    static String kind(JsonNode v) {
        if (v.isTextual()) return "a string";
        if (v.isBoolean()) return "a boolean";
        if (v.isIntegralNumber()) return "an integer";
        if (v.isNumber()) return "a decimal";
        if (v.isArray()) return "an array";
        if (v.isObject()) return "an object";
        return "null";
    }
}
