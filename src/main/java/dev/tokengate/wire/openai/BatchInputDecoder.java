package dev.tokengate.wire.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the JSONL input file of an OpenAI batch (OAS-old {@code BatchRequestInput}): one
 * {@code {"custom_id","method":"POST","url","body"}} per line. Every problem is collected with its 1-based line number
 * instead of stopping at the first, so a client can fix the whole file at once. Blank lines are skipped. Pure.
 */
public final class BatchInputDecoder {
    /** Stop collecting after this many errors: the batch object stays small and the first ones are what matter. */
    public static final int MAX_ERRORS = 100;

    /**
     * The endpoints a batch may target, each with the check of its request bodies (returning the model it names).
     * Adding /v1/embeddings or /v1/responses is one entry here plus a runner for that kind of item.
     */
    private static final Map<String, Function<JsonNode, String>> SUPPORTED = Map.of(
            "/v1/chat/completions", BatchInputDecoder::chatModel);

    /** Endpoints OpenAI's Batch API knows, so a client asking for one we do not run yet is told so. */
    private static final Set<String> KNOWN = Set.of("/v1/responses", "/v1/chat/completions", "/v1/embeddings", "/v1/completions",
            "/v1/moderations", "/v1/images/generations", "/v1/images/edits", "/v1/videos");

    /** A valid request line: its number, custom_id, model and body (JSON text). */
    public record Line(int number, String customId, String model, String body) {}

    /** An input problem, shown in the batch's {@code errors}: {code, message, param, line}. */
    public record LineError(String code, String message, String param, Integer line) {}

    /** The valid lines, and the problems of the others (at most {@link #MAX_ERRORS}); the batch may run only without errors. */
    public record Result(List<Line> lines, List<LineError> errors) {}

    private BatchInputDecoder() {}

    /** @throws ApiException 400 when the batch cannot target {@code endpoint} */
    public static void checkEndpoint(String endpoint) {
        if (SUPPORTED.containsKey(endpoint)) return;
        String supported = String.join(", ", SUPPORTED.keySet().stream().sorted().toList());
        if (KNOWN.contains(endpoint)) {
            throw ApiException.invalid("endpoint", "Batches for '" + endpoint + "' are not supported yet; supported: " + supported + ".",
                    "unsupported_endpoint");
        }
        throw ApiException.invalid("endpoint", "'endpoint' must be one of: " + supported + "; got '" + endpoint + "'.", "invalid_value");
    }

    public static Result decode(byte[] content, String endpoint, int maxRequests) {
        Function<JsonNode, String> bodyCheck = SUPPORTED.get(endpoint);
        if (bodyCheck == null) throw new IllegalArgumentException("unchecked endpoint " + endpoint);
        List<Line> lines = new ArrayList<>();
        List<LineError> errors = new ArrayList<>();
        Set<String> customIds = new HashSet<>();
        int number = 0;
        int requests = 0;
        int start = 0;
        while (start < content.length) {
            int end = start;
            while (end < content.length && content[end] != '\n') end++;
            number++;
            int len = end - start;
            if (len > 0 && content[end - 1] == '\r') len--;
            if (!blank(content, start, len)) {
                requests++;
                line(content, start, len, number, endpoint, bodyCheck, customIds, lines, errors);
            }
            start = end + 1;
        }
        if (requests == 0) add(errors, new LineError("empty_file", "The input file contains no requests.", null, null));
        if (requests > maxRequests) {
            add(errors, new LineError("too_many_requests", "The input file holds " + requests + " requests; a batch may hold at most "
                    + maxRequests + ".", null, null));
        }
        return new Result(List.copyOf(lines), List.copyOf(errors));
    }

    private static void line(byte[] content, int start, int len, int number, String endpoint, Function<JsonNode, String> bodyCheck,
                             Set<String> customIds, List<Line> lines, List<LineError> errors) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(content, start, len);
        } catch (JsonProcessingException e) {
            add(errors, new LineError("invalid_json_line", "Line " + number + " is not valid JSON: " + e.getOriginalMessage(), null, number));
            return;
        } catch (IOException e) {
            add(errors, new LineError("invalid_json_line", "Line " + number + " could not be read as JSON.", null, number));
            return;
        }
        if (!node.isObject()) {
            add(errors, new LineError("invalid_request", "Line " + number + " must be a JSON object.", null, number));
            return;
        }
        int before = errors.size();
        String customId = text(node, "custom_id", number, errors);
        if (customId != null && !customIds.add(customId)) {
            add(errors, new LineError("duplicate_custom_id", "Line " + number + ": the custom_id '" + customId
                    + "' is used by an earlier line; each custom_id must be unique within a batch.", "custom_id", number));
        }
        String method = text(node, "method", number, errors);
        if (method != null && !method.equals("POST")) {
            add(errors, new LineError("invalid_method", "Line " + number + ": 'method' must be 'POST'; got '" + method + "'.", "method", number));
        }
        String url = text(node, "url", number, errors);
        if (url != null && !url.equals(endpoint)) {
            add(errors, new LineError("mismatched_url", "Line " + number + ": 'url' is '" + url + "' but the batch's endpoint is '"
                    + endpoint + "'; every line must target the batch's endpoint.", "url", number));
        }
        JsonNode body = node.get("body");
        String model = null;
        if (body == null || body.isNull()) {
            add(errors, new LineError("missing_required_parameter", "Line " + number + ": missing required parameter 'body'.", "body", number));
        } else {
            try {
                model = bodyCheck.apply(body);
            } catch (ApiException e) {
                add(errors, new LineError(e.code() == null ? "invalid_request" : e.code(), "Line " + number + ": body: " + e.getMessage(),
                        e.param() == null ? "body" : "body." + e.param(), number));
            }
        }
        if (errors.size() == before) lines.add(new Line(number, customId, model, Json.text(body)));
    }

    private static String text(JsonNode node, String field, int number, List<LineError> errors) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            add(errors, new LineError("missing_required_parameter", "Line " + number + ": missing required parameter '" + field + "'.",
                    field, number));
            return null;
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            add(errors, new LineError("invalid_type", "Line " + number + ": '" + field + "' must be a non-empty string.", field, number));
            return null;
        }
        return v.asText();
    }

    private static String chatModel(JsonNode body) {
        ChatRequest r = ChatRequestDecoder.decode(body);
        if (r.stream()) throw ApiException.invalid("stream", "Streaming is not available in a batch; remove 'stream'.", "invalid_value");
        return r.model();
    }

    private static void add(List<LineError> errors, LineError e) {
        if (errors.size() < MAX_ERRORS) errors.add(e);
    }

    private static boolean blank(byte[] b, int start, int len) {
        for (int i = start; i < start + len; i++) {
            if (b[i] != ' ' && b[i] != '\t') return false;
        }
        return true;
    }
}
