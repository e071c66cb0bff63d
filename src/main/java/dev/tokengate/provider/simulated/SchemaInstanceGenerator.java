package dev.tokengate.provider.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;

/**
 * Builds a JSON value that is valid against a JSON Schema, deterministically from the schema and a seed. Covers the
 * subset that structured-output schemas use: types, properties, required, items, enum, const, anyOf/oneOf/allOf, local
 * $ref, string length and formats, numeric bounds, array sizes.
 */
final class SchemaInstanceGenerator {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 12;
    private final JsonNode root;
    private final long seed;

    SchemaInstanceGenerator(JsonNode root, long seed) {
        this.root = root;
        this.seed = seed;
    }

    JsonNode generate() {
        return value(root, "value", 0);
    }

    private JsonNode value(JsonNode schema, String name, int depth) {
        if (schema == null || schema.isBoolean() || !schema.isObject()) return F.textNode("simulated " + name);
        if (depth > MAX_DEPTH) return F.nullNode();
        if (schema.has("$ref")) return value(resolve(schema.get("$ref").asText()), name, depth + 1);
        if (schema.has("const")) return schema.get("const");
        if (schema.has("enum") && schema.get("enum").isArray() && !schema.get("enum").isEmpty()) {
            JsonNode e = schema.get("enum");
            return e.get((int) Math.floorMod(seed + name.hashCode(), (long) e.size()));
        }
        for (String k : new String[]{"anyOf", "oneOf"}) {
            if (schema.path(k).isArray() && !schema.path(k).isEmpty()) {
                JsonNode firstNonNull = schema.get(k).get(0);
                for (JsonNode alt : schema.get(k)) {
                    if (!"null".equals(alt.path("type").asText())) {
                        firstNonNull = alt;
                        break;
                    }
                }
                return value(firstNonNull, name, depth + 1);
            }
        }
        if (schema.path("allOf").isArray() && !schema.path("allOf").isEmpty()) {
            ObjectNode merged = F.objectNode();
            for (JsonNode part : schema.get("allOf")) {
                JsonNode p = part.has("$ref") ? resolve(part.get("$ref").asText()) : part;
                if (p.isObject()) mergeSchemas(merged, (ObjectNode) p);
            }
            return value(merged, name, depth + 1);
        }
        String type = type(schema);
        return switch (type) {
            case "object" -> object(schema, depth);
            case "array" -> array(schema, name, depth);
            case "integer" -> F.numberNode(integer(schema));
            case "number" -> F.numberNode(number(schema));
            case "boolean" -> F.booleanNode(((seed + name.hashCode()) & 1) == 0);
            case "null" -> F.nullNode();
            default -> F.textNode(string(schema, name));
        };
    }

    private static void mergeSchemas(ObjectNode into, ObjectNode part) {
        Iterator<Map.Entry<String, JsonNode>> it = part.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getValue().isObject() && into.path(e.getKey()).isObject()) {
                mergeSchemas((ObjectNode) into.get(e.getKey()), (ObjectNode) e.getValue());
            } else if (e.getKey().equals("required") && into.path("required").isArray()) {
                ((ArrayNode) into.get("required")).addAll((ArrayNode) e.getValue());
            } else {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    private static String type(JsonNode schema) {
        JsonNode t = schema.get("type");
        if (t != null && t.isTextual()) return t.asText();
        if (t != null && t.isArray()) {
            for (JsonNode x : t) if (!x.asText().equals("null")) return x.asText();
            return "null";
        }
        if (schema.has("properties")) return "object";
        if (schema.has("items")) return "array";
        return "string";
    }

    private JsonNode object(JsonNode schema, int depth) {
        ObjectNode o = F.objectNode();
        JsonNode props = schema.path("properties");
        Iterator<Map.Entry<String, JsonNode>> it = props.fields();
        while (it.hasNext()) {
            var e = it.next();
            o.set(e.getKey(), value(e.getValue(), e.getKey(), depth + 1));
        }
        for (JsonNode r : schema.path("required")) {
            if (!o.has(r.asText())) o.put(r.asText(), "simulated " + r.asText());
        }
        int min = schema.path("minProperties").asInt(0);
        for (int i = o.size(); i < min; i++) o.put("field_" + i, "simulated");
        return o;
    }

    private JsonNode array(JsonNode schema, String name, int depth) {
        ArrayNode a = F.arrayNode();
        int min = schema.path("minItems").asInt(0);
        int max = schema.has("maxItems") ? schema.get("maxItems").asInt() : Math.max(min, 2);
        int count = Math.max(min, Math.min(max, 2));
        JsonNode prefix = schema.path("prefixItems");
        for (int i = 0; i < count; i++) {
            JsonNode itemSchema = prefix.isArray() && i < prefix.size() ? prefix.get(i) : schema.get("items");
            JsonNode v = value(itemSchema, name + "_" + (i + 1), depth + 1);
            if (schema.path("uniqueItems").asBoolean(false) && a.toString().contains(v.toString())) break;
            a.add(v);
        }
        return a;
    }

    private long integer(JsonNode s) {
        long lo = s.has("minimum") ? (long) Math.ceil(s.get("minimum").asDouble()) : Long.MIN_VALUE;
        if (s.has("exclusiveMinimum") && s.get("exclusiveMinimum").isNumber()) lo = Math.max(lo, (long) Math.floor(s.get("exclusiveMinimum").asDouble()) + 1);
        long hi = s.has("maximum") ? (long) Math.floor(s.get("maximum").asDouble()) : Long.MAX_VALUE;
        if (s.has("exclusiveMaximum") && s.get("exclusiveMaximum").isNumber()) hi = Math.min(hi, (long) Math.ceil(s.get("exclusiveMaximum").asDouble()) - 1);
        long v = 42;
        if (v < lo) v = lo;
        if (v > hi) v = hi;
        if (s.has("multipleOf") && s.get("multipleOf").asLong() > 0) {
            long m = s.get("multipleOf").asLong();
            long c = (long) Math.ceil((double) v / m) * m;
            v = c <= hi ? c : (long) Math.floor((double) v / m) * m;
        }
        return v;
    }

    private BigDecimal number(JsonNode s) {
        if (s.has("multipleOf")) return BigDecimal.valueOf(integer(s));
        double lo = s.has("minimum") ? s.get("minimum").asDouble() : Double.NEGATIVE_INFINITY;
        double hi = s.has("maximum") ? s.get("maximum").asDouble() : Double.POSITIVE_INFINITY;
        if (s.path("exclusiveMinimum").isNumber()) lo = Math.nextUp(s.get("exclusiveMinimum").asDouble());
        if (s.path("exclusiveMaximum").isNumber()) hi = Math.nextDown(s.get("exclusiveMaximum").asDouble());
        double v = 4.2;
        if (v < lo) v = Double.isInfinite(hi) ? lo : (lo + hi) / 2;
        if (v > hi) v = Double.isInfinite(lo) ? hi : (lo + hi) / 2;
        return BigDecimal.valueOf(v);
    }

    private String string(JsonNode s, String name) {
        String v = switch (s.path("format").asText("")) {
            case "date-time" -> "2026-01-01T00:00:00Z";
            case "date" -> "2026-01-01";
            case "time" -> "12:00:00Z";
            case "email" -> "simulated@example.com";
            case "uri", "url" -> "https://example.com/simulated";
            case "uuid" -> "00000000-0000-4000-8000-000000000000";
            case "ipv4" -> "192.0.2.1";
            default -> "simulated " + name;
        };
        int min = s.path("minLength").asInt(0);
        int max = s.has("maxLength") ? s.get("maxLength").asInt() : Integer.MAX_VALUE;
        StringBuilder sb = new StringBuilder(v);
        while (sb.length() < min) sb.append('x');
        return sb.length() > max ? sb.substring(0, max) : sb.toString();
    }

    private JsonNode resolve(String ref) {
        if (!ref.startsWith("#")) return F.objectNode();
        JsonNode node = root;
        for (String part : ref.substring(1).split("/")) {
            if (part.isEmpty()) continue;
            node = node.path(part.replace("~1", "/").replace("~0", "~"));
        }
        return node.isMissingNode() ? F.objectNode() : node;
    }
}
