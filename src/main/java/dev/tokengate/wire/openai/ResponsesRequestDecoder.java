package dev.tokengate.wire.openai;

import static dev.tokengate.wire.openai.RequestReader.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.Json;
import dev.tokengate.core.ResponseFormat;
import dev.tokengate.core.ToolChoice;
import dev.tokengate.core.ToolSpec;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates an OpenAI Responses API request ({@code CreateResponse}) into a {@link ResponsesRequest}: the
 * canonical {@link ChatRequest} any chat upstream can serve, plus what the Response must echo. Pure; every mistake is a
 * 400 naming the field by its JSON path.
 */
public final class ResponsesRequestDecoder {
    /** Accepted and not acted on (the gateway has nothing to do for them), so SDK defaults never fail a request. */
    private static final Set<String> ACCEPTED = Set.of("include", "service_tier", "safety_identifier", "prompt_cache_key",
            "prompt_cache_retention", "top_logprobs", "max_tool_calls");
    private static final Set<String> INTERPRETED = Set.of("model", "input", "instructions", "text", "tools", "tool_choice",
            "parallel_tool_calls", "max_output_tokens", "temperature", "top_p", "metadata", "user", "store", "stream",
            "stream_options", "previous_response_id", "truncation", "reasoning", "background", "conversation", "prompt");
    private static final Set<String> EFFORTS = Set.of("none", "minimal", "low", "medium", "high", "xhigh");
    private static final Set<String> SUMMARIES = Set.of("auto", "concise", "detailed");
    private static final Set<String> SERVICE_TIERS = Set.of("auto", "default", "flex", "scale", "priority");

    private ResponsesRequestDecoder() {}

    public static ResponsesRequest decode(JsonNode body, ResponseIds ids) {
        if (!body.isObject()) throw ApiException.invalid(null, "The request body must be a JSON object.");
        rejectUnknownFields(body);
        String model = requiredString(body, "model", "model");
        if (model.isBlank()) throw ApiException.invalid("model", "'model' must not be empty.", "invalid_value");
        String instructions = optionalString(body, "instructions", "instructions");
        ResponseItems.Conversation input = ResponseItems.read(body.get("input"), "input", ids);
        ArrayNode toolsEcho = Json.array();
        List<ToolSpec> tools = tools(body, toolsEcho);
        ToolChoice toolChoice = toolChoice(body, tools);
        ObjectNode textEcho = Json.object();
        ResponseFormat format = text(body, textEcho);
        Integer maxOutput = optionalInt(body, "max_output_tokens", "max_output_tokens", 16, Integer.MAX_VALUE);
        Double temperature = optionalNumber(body, "temperature", "temperature", 0, 2);
        Double topP = optionalNumber(body, "top_p", "top_p", 0, 1);
        Boolean parallel = optionalBool(body, "parallel_tool_calls", "parallel_tool_calls");
        ObjectNode metadata = metadata(body);
        String user = optionalString(body, "user", "user");
        Boolean store = optionalBool(body, "store", "store");
        boolean stream = Boolean.TRUE.equals(optionalBool(body, "stream", "stream"));
        streamOptions(body, stream);
        String previous = optionalString(body, "previous_response_id", "previous_response_id");
        if (previous != null && previous.isBlank()) {
            throw ApiException.invalid("previous_response_id", "'previous_response_id' must not be empty.", "invalid_value");
        }
        String truncation = optionalString(body, "truncation", "truncation");
        if (truncation != null && !truncation.equals("auto") && !truncation.equals("disabled")) {
            throw ApiException.invalid("truncation", "Invalid value for 'truncation': '" + truncation
                    + "'. Supported values are: 'auto' and 'disabled'.", "invalid_value");
        }
        ObjectNode reasoning = reasoning(body);
        unsupported(body);
        checkAccepted(body);

        ObjectNode passthrough = Json.object();
        if (reasoning.hasNonNull("effort")) passthrough.put("reasoning_effort", reasoning.get("effort").asText());
        ChatRequest chat = new ChatRequest(model, ResponsesRequest.messages(instructions, input.items()), tools, toolChoice,
                parallel, format, stream, stream, maxOutput, null, temperature, topP, 1, List.of(), user, passthrough);
        ResponseSettings settings = new ResponseSettings(model, instructions, maxOutput, parallel == null || parallel,
                previous, store == null || store, temperature == null ? 1.0 : temperature, topP == null ? 1.0 : topP,
                textEcho, toolChoiceEcho(body.get("tool_choice")), toolsEcho, truncation == null ? "disabled" : truncation,
                user, metadata, reasoning);
        return new ResponsesRequest(chat, settings, input.items());
    }

    private static void rejectUnknownFields(JsonNode body) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!INTERPRETED.contains(f) && !ACCEPTED.contains(f)) {
                throw ApiException.invalid(f, "Unrecognized request argument supplied: " + f, "unknown_parameter");
            }
        }
    }

    private static List<ToolSpec> tools(JsonNode body, ArrayNode echo) {
        JsonNode arr = optionalArray(body, "tools", "tools");
        if (arr == null) return List.of();
        List<ToolSpec> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode t = arr.get(i);
            if (!t.isObject()) throw wrongType(at, "an object", t);
            String type = requiredString(t, "type", at + ".type");
            if (!type.equals("function")) {
                throw ApiException.invalid(at + ".type", "Tools of type '" + type
                        + "' are not supported by this gateway. Supported values are: 'function'.", "unsupported_value");
            }
            if (t.has("function")) {
                throw ApiException.invalid(at + ".function", "Unknown parameter: '" + at + ".function'. Function tools in the"
                        + " Responses API are flat: put 'name', 'parameters' and 'strict' directly in the tool.", "unknown_parameter");
            }
            ToolSpec spec = ToolDecoding.function(t, at);
            String name = spec.name();
            String description = spec.description();
            JsonNode params = spec.parameters();
            Boolean strict = spec.strict();
            if (out.stream().anyMatch(s -> s.name().equals(name))) {
                throw ApiException.invalid(at + ".name", "Duplicate tool name '" + name + "' in 'tools'.", "invalid_value");
            }
            out.add(spec);
            ObjectNode e = echo.addObject().put("type", "function").put("name", name);
            if (description == null) e.putNull("description");
            else e.put("description", description);
            e.set("parameters", params == null ? Json.object().nullNode() : params);
            if (strict == null) e.putNull("strict");
            else e.put("strict", strict);
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
            throw ApiException.invalid("tool_choice.type", "Invalid value for 'tool_choice.type': '" + type
                    + "'. This gateway supports only 'function'.", "unsupported_value");
        }
        return ToolDecoding.named(requiredString(v, "name", "tool_choice.name"), "tool_choice.name", tools);
    }

    private static JsonNode toolChoiceEcho(JsonNode v) {
        if (v == null || v.isNull()) return Json.object().textNode("auto");
        if (v.isTextual()) return v;
        return Json.object().put("type", "function").put("name", v.get("name").asText());
    }

    private static ResponseFormat text(JsonNode body, ObjectNode echo) {
        JsonNode text = optionalObject(body, "text", "text");
        JsonNode f = text == null ? null : optionalObject(text, "format", "text.format");
        String verbosity = text == null ? null : optionalString(text, "verbosity", "text.verbosity");
        if (verbosity != null && !Set.of("low", "medium", "high").contains(verbosity)) {
            throw ApiException.invalid("text.verbosity", "Invalid value for 'text.verbosity': '" + verbosity
                    + "'. Supported values are: 'low', 'medium' and 'high'.", "invalid_value");
        }
        ObjectNode formatEcho = echo.putObject("format");
        if (verbosity != null) echo.put("verbosity", verbosity);
        if (f == null) {
            formatEcho.put("type", "text");
            return new ResponseFormat.Text();
        }
        String type = requiredString(f, "type", "text.format.type");
        formatEcho.put("type", type);
        return switch (type) {
            case "text" -> new ResponseFormat.Text();
            case "json_object" -> new ResponseFormat.JsonObject();
            case "json_schema" -> {
                if (f.has("json_schema")) {
                    throw ApiException.invalid("text.format.json_schema", "Unknown parameter: 'text.format.json_schema'. In the"
                            + " Responses API the schema fields are flat: put 'name', 'schema' and 'strict' directly in 'text.format'.",
                            "unknown_parameter");
                }
                String name = requiredString(f, "name", "text.format.name");
                if (!ToolDecoding.FUNCTION_NAME.matcher(name).matches()) {
                    throw ApiException.invalid("text.format.name", "Invalid 'text.format.name': expected 1 to 64 characters from"
                            + " a-z, A-Z, 0-9, underscores and dashes.", "invalid_value");
                }
                JsonNode schema = optionalSchema(f, "schema", "text.format.schema");
                if (schema == null) {
                    throw ApiException.invalid("text.format.schema", "Missing required parameter: 'text.format.schema'.", "missing_required_parameter");
                }
                String description = optionalString(f, "description", "text.format.description");
                Boolean strict = optionalBool(f, "strict", "text.format.strict");
                if (description != null) formatEcho.put("description", description);
                formatEcho.put("name", name);
                formatEcho.set("schema", schema);
                if (strict == null) formatEcho.putNull("strict");
                else formatEcho.put("strict", strict);
                yield new ResponseFormat.JsonSchema(name, description, schema, strict);
            }
            default -> throw ApiException.invalid("text.format.type", "Invalid value for 'text.format.type': '" + type
                    + "'. Supported values are: 'text', 'json_object' and 'json_schema'.", "invalid_value");
        };
    }

    private static ObjectNode metadata(JsonNode body) {
        JsonNode m = optionalObject(body, "metadata", "metadata");
        ObjectNode out = Json.object();
        if (m == null) return out;
        if (m.size() > 16) throw ApiException.invalid("metadata", "'metadata' may hold at most 16 keys.", "invalid_value");
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = "metadata." + e.getKey();
            if (e.getKey().length() > 64) throw ApiException.invalid(at, "Metadata keys may be at most 64 characters long.", "invalid_value");
            if (!e.getValue().isTextual()) throw wrongType(at, "a string", e.getValue());
            if (e.getValue().asText().length() > 512) {
                throw ApiException.invalid(at, "Metadata values may be at most 512 characters long.", "invalid_value");
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static void streamOptions(JsonNode body, boolean stream) {
        JsonNode so = optionalObject(body, "stream_options", "stream_options");
        if (so == null) return;
        if (!stream) throw ApiException.invalid("stream_options", "'stream_options' is only allowed when 'stream' is true.", "invalid_value");
        optionalBool(so, "include_obfuscation", "stream_options.include_obfuscation");
    }

    private static ObjectNode reasoning(JsonNode body) {
        JsonNode r = optionalObject(body, "reasoning", "reasoning");
        String effort = r == null ? null : optionalString(r, "effort", "reasoning.effort");
        String summary = r == null ? null : optionalString(r, "summary", "reasoning.summary");
        if (effort != null && !EFFORTS.contains(effort)) {
            throw ApiException.invalid("reasoning.effort", "Invalid value for 'reasoning.effort': '" + effort
                    + "'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high' and 'xhigh'.", "invalid_value");
        }
        if (summary != null && !SUMMARIES.contains(summary)) {
            throw ApiException.invalid("reasoning.summary", "Invalid value for 'reasoning.summary': '" + summary
                    + "'. Supported values are: 'auto', 'concise' and 'detailed'.", "invalid_value");
        }
        ObjectNode o = Json.object();
        if (effort == null) o.putNull("effort");
        else o.put("effort", effort);
        if (summary == null) o.putNull("summary");
        else o.put("summary", summary);
        return o;
    }

    /** Features that need server-side machinery the gateway does not have. */
    private static void unsupported(JsonNode body) {
        if (Boolean.TRUE.equals(optionalBool(body, "background", "background"))) {
            throw ApiException.invalid("background", "Background responses are not supported by this gateway; omit 'background'"
                    + " or set it to false.", "unsupported_value");
        }
        for (String f : List.of("conversation", "prompt")) {
            if (body.hasNonNull(f)) {
                throw ApiException.invalid(f, "'" + f + "' is not supported by this gateway"
                        + (f.equals("conversation") ? "; chain turns with 'previous_response_id'." : "; send 'input' and 'instructions'."),
                        "unsupported_value");
            }
        }
    }

    private static void checkAccepted(JsonNode body) {
        JsonNode include = optionalArray(body, "include", "include");
        if (include != null) {
            for (int i = 0; i < include.size(); i++) {
                if (!include.get(i).isTextual()) throw wrongType("include[" + i + "]", "a string", include.get(i));
            }
        }
        String tier = optionalString(body, "service_tier", "service_tier");
        if (tier != null && !SERVICE_TIERS.contains(tier)) {
            throw ApiException.invalid("service_tier", "Invalid value for 'service_tier': '" + tier
                    + "'. Supported values are: 'auto', 'default', 'flex', 'scale' and 'priority'.", "invalid_value");
        }
        String safety = optionalString(body, "safety_identifier", "safety_identifier");
        if (safety != null && safety.length() > 64) {
            throw ApiException.invalid("safety_identifier", "'safety_identifier' may be at most 64 characters long.", "invalid_value");
        }
        optionalString(body, "prompt_cache_key", "prompt_cache_key");
        optionalString(body, "prompt_cache_retention", "prompt_cache_retention");
        optionalInt(body, "top_logprobs", "top_logprobs", 0, 20);
        optionalInt(body, "max_tool_calls", "max_tool_calls", 1, Integer.MAX_VALUE);
    }
}
