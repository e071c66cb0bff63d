package dev.tokengate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a batch's message list (each item's request messages, then its answer) into one result per input line, in
 * input order: {@code {custom_id, batch_item_id, status, model, content, error}}. An item's answer is the message
 * after the ones its request sent; an item without one (cancelled or expired before it ran) has none.
 */
final class BatchResults {
    private BatchResults() {}

    static List<ObjectNode> of(List<BatchFile.Line> lines, List<JsonNode> messages) {
        Map<String, List<JsonNode>> byCustomId = new LinkedHashMap<>();
        for (JsonNode m : messages) byCustomId.computeIfAbsent(m.path("agent_id").asText(""), k -> new ArrayList<>()).add(m);
        List<ObjectNode> out = new ArrayList<>();
        for (BatchFile.Line line : lines) {
            List<JsonNode> mine = byCustomId.getOrDefault(line.customId(), List.of());
            ObjectNode r = Json.object();
            r.put("custom_id", line.customId());
            JsonNode answer = mine.size() > line.requestMessages() ? mine.get(mine.size() - 1) : null;
            r.put("batch_item_id", mine.isEmpty() ? null : mine.get(0).path("batch_item_id").asText(null));
            if (answer == null) {
                r.put("status", "no_answer");
                r.putNull("model");
                r.putNull("content");
                r.put("error", "The request has no answer: it was cancelled or expired before it ran.");
            } else {
                boolean failed = answer.path("is_err").asBoolean();
                r.put("status", failed ? "failed" : "completed");
                r.put("model", answer.path("model").asText(null));
                String text = text(answer);
                r.put("content", failed ? null : text);
                r.put("error", failed ? text : null);
            }
            out.add(r);
        }
        return out;
    }

    private static String text(JsonNode message) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : message.path("content")) sb.append(part.path("text").asText(""));
        return sb.toString();
    }
}
