package dev.tokengate.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.SchemaAssert;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Our OpenAPI document as tests read it: its operations, and each response schema as a standalone JSON Schema. */
final class OpenApiDocument {
    private static final String COMPONENTS = "#/components/schemas/";
    private final JsonNode doc;
    private final JsonNode defs;

    OpenApiDocument(String text) {
        this.doc = Json.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        this.defs = Json.parse(text.replace(COMPONENTS, "#/$defs/").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .path("components").path("schemas");
    }

    JsonNode root() {
        return doc;
    }

    /** Every operation as {@code "METHOD /path"}. */
    List<String> operations() {
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> p = paths.next();
            p.getValue().fieldNames().forEachRemaining(m -> out.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey()));
        }
        return out;
    }

    JsonNode operation(String method, String path) {
        JsonNode op = doc.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
        if (op.isMissingNode()) throw new AssertionError("not documented: " + method + " " + path);
        return op;
    }

    /** The documented schema of one response, with every named schema it uses carried along in {@code $defs}. */
    String responseSchema(String method, String path, int status, String mediaType) {
        JsonNode media = operation(method, path).path("responses").path(String.valueOf(status)).path("content").path(mediaType);
        if (media.isMissingNode()) throw new AssertionError("no documented " + status + " " + mediaType + " answer for " + method + " " + path);
        JsonNode schema = mediaType.equals("text/event-stream") ? media.path("x-item-schema") : media.path("schema");
        return standalone(schema);
    }

    /** A named component schema as a standalone JSON Schema. */
    String namedSchema(String name) {
        if (!defs.has(name)) throw new AssertionError("no schema " + name);
        return standalone(Json.object().put("$ref", COMPONENTS + name));
    }

    private String standalone(JsonNode schema) {
        ObjectNode s = Json.parse(Json.text(schema).replace(COMPONENTS, "#/$defs/").getBytes(java.nio.charset.StandardCharsets.UTF_8)).deepCopy();
        s.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        s.set("$defs", defs);
        return Json.text(s);
    }

    /** Fails unless {@code body} is what the document says {@code method path} answers with this status. */
    void assertAnswer(String method, String path, int status, String body) {
        SchemaAssert.assertValid(responseSchema(method, path, status, "application/json"), body);
    }
}
