package dev.tokengate.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tokengate.core.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSON Schema checks with networknt's validator (draft 2020-12 by default, or the draft a schema's $schema names).
 * It is built on Jackson 3 while we use Jackson 2, so schemas and instances cross over as JSON text.
 */
public final class JsonSchemas {
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Map<String, Schema> COMPILED = new ConcurrentHashMap<>();
    /** Verdicts on schemas clients send with every request (tool parameters, output formats), by their JSON text. */
    private static final Map<String, String> VERDICTS = new ConcurrentHashMap<>();
    private static final int MAX_CACHED = 2_000;
    private static volatile Schema metaSchema;

    private JsonSchemas() {}

    /** Problems with a schema itself (empty when it is a valid JSON Schema). */
    public static List<String> problemsWithSchema(JsonNode schema) {
        if (!schema.isObject()) return List.of("a schema must be a JSON object");
        String outside = refOutside(schema);
        if (outside != null) {
            // nothing is fetched: such a reference only failed later, when an answer was checked against the schema
            return List.of("'$ref' must point inside the schema (start with '#'), got '" + outside + "'");
        }
        try {
            List<String> errors = meta().validate(Json.text(schema), InputFormat.JSON).stream().map(Error::toString).toList();
            if (!errors.isEmpty()) return errors;
            compile(Json.text(schema));
            return List.of();
        } catch (RuntimeException e) {
            return List.of(String.valueOf(e.getMessage()));
        }
    }

    /**
     * The first problem with a schema sent inside a request, or null when it is a valid JSON Schema. Clients resend the
     * same tool definitions with every turn of a conversation, so verdicts are kept (bounded, emptied when full).
     */
    public static String firstProblemCached(JsonNode schema) {
        if (!schema.isObject()) return "a schema must be a JSON object";
        String text = Json.text(schema);
        String verdict = VERDICTS.get(text);
        if (verdict == null) {
            List<String> problems = problemsWithSchema(schema);
            verdict = problems.isEmpty() ? "" : problems.get(0);
            if (VERDICTS.size() > MAX_CACHED) VERDICTS.clear();
            VERDICTS.put(text, verdict);
        }
        return verdict.isEmpty() ? null : verdict;
    }

    /** The first {@code $ref} that does not point inside the schema itself, or null. */
    private static String refOutside(JsonNode node) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual() && !ref.asText().startsWith("#")) return ref.asText();
        }
        for (JsonNode child : node) {
            String found = refOutside(child);
            if (found != null) return found;
        }
        return null;
    }

    /** Validation errors of an instance (JSON text) against a schema; a non-JSON instance is one error. */
    public static List<String> validate(JsonNode schema, String instanceJson) {
        if (Json.parseOrNull(instanceJson) == null) return List.of("the output is not JSON");
        return compile(Json.text(schema)).validate(instanceJson, InputFormat.JSON).stream().map(Error::toString).toList();
    }

    private static Schema compile(String schemaText) {
        Schema s = COMPILED.get(schemaText);
        if (s != null) return s;
        s = REGISTRY.getSchema(schemaText, InputFormat.JSON);
        if (COMPILED.size() > MAX_CACHED) COMPILED.clear();
        COMPILED.put(schemaText, s);
        return s;
    }

    private static Schema meta() {
        Schema m = metaSchema;
        if (m == null) {
            m = REGISTRY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
            metaSchema = m;
        }
        return m;
    }
}
