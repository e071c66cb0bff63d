package dev.tokengate.wire.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.ChatMessage;
import java.util.List;
import java.util.Map;

/**
 * One validated job request of the job API (seed 000).
 *
 * @param schema   the JSON Schema of a {"format":"json"} response, or null for text
 * @param callback where to POST the job's end, or null
 */
public record JobSpec(String model, int timeoutSeconds, int cacheTtlSeconds, JsonNode schema, List<ChatMessage> messages,
                      Callback callback) {

    public record Callback(String url, Map<String, String> headers, JsonNode payload) {}
}
