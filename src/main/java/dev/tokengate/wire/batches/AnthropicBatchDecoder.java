package dev.tokengate.wire.batches;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.Json;
import dev.tokengate.wire.anthropic.MessagesRequestDecoder;
import dev.tokengate.wire.openai.ChatEncoder;
import dev.tokengate.wire.openai.ChatRequestDecoder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads Anthropic's Message Batches create body {@code {"requests":[{"custom_id", "params"}]}}. Each {@code params} is
 * validated as the Messages request it is, then kept as the chat completion body the job queue runs. Errors are 400s
 * whose message starts with the dotted path ({@code requests.3.params.messages: ...}), as Anthropic's do. Pure.
 */
public final class AnthropicBatchDecoder {
    /** Anthropic's own limit on requests per batch. */
    public static final int MAX_REQUESTS = 100_000;
    private static final Pattern CUSTOM_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    /** One request: its custom_id, its model, and the chat completion body it runs as. */
    public record Item(String customId, String model, String chatBody) {}

    private AnthropicBatchDecoder() {}

    /** @param maxRequests the gateway's limit ({@code batches.max_requests}); Anthropic's 100,000 applies above it */
    public static List<Item> decode(JsonNode body, int maxRequests) {
        if (!body.isObject()) throw ApiException.invalid(null, "The request body must be a JSON object with 'requests'.");
        JsonNode requests = body.get("requests");
        if (requests == null || requests.isNull()) throw invalid("requests", "Field required");
        if (!requests.isArray()) throw invalid("requests", "Input should be a valid list");
        if (requests.isEmpty()) throw invalid("requests", "List should have at least 1 item");
        int limit = Math.min(maxRequests, MAX_REQUESTS);
        if (requests.size() > limit) {
            throw invalid("requests", "List should have at most " + limit + " items after validation, not " + requests.size());
        }
        List<Item> items = new ArrayList<>(requests.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requests.size(); i++) {
            Item item = item(requests.get(i), "requests." + i);
            if (!seen.add(item.customId())) {
                throw invalid("requests." + i + ".custom_id", "Duplicate custom_id '" + item.customId()
                        + "'; custom_id must be unique within a batch");
            }
            items.add(item);
        }
        return List.copyOf(items);
    }

    private static Item item(JsonNode r, String at) {
        if (!r.isObject()) throw invalid(at, "Input should be a valid dictionary");
        JsonNode id = r.get("custom_id");
        if (id == null || id.isNull()) throw invalid(at + ".custom_id", "Field required");
        if (!id.isTextual()) throw invalid(at + ".custom_id", "Input should be a valid string");
        if (!CUSTOM_ID.matcher(id.asText()).matches()) {
            throw invalid(at + ".custom_id", "String should match pattern '^[a-zA-Z0-9_-]{1,64}$'");
        }
        JsonNode params = r.get("params");
        if (params == null || params.isNull()) throw invalid(at + ".params", "Field required");
        if (!params.isObject()) throw invalid(at + ".params", "Input should be a valid dictionary");
        String p = at + ".params";
        ChatRequest request;
        try {
            request = MessagesRequestDecoder.decode(params);
        } catch (ApiException e) {
            throw new ApiException(e.kind(), e.param() == null ? p + ": " + e.getMessage() : p + "." + e.getMessage(),
                    e.param() == null ? p : p + "." + e.param(), e.code());
        }
        if (request.stream()) throw invalid(p + ".stream", "Streaming is not supported in message batches");
        ObjectNode chat = ChatEncoder.upstreamRequest(request, request.model());
        try {
            // the queue runs items as chat completions; what that form cannot hold is refused now, not at run time
            ChatRequestDecoder.decode(chat);
        } catch (ApiException e) {
            throw invalid(p, "This gateway cannot run this request in a batch: " + e.getMessage());
        }
        return new Item(id.asText(), request.model(), Json.text(chat));
    }

    private static ApiException invalid(String path, String problem) {
        return ApiException.invalid(path, path + ": " + problem);
    }
}
