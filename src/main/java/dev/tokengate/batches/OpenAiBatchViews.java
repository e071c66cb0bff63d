package dev.tokengate.batches;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.Json;
import java.util.List;

/** OpenAI's Batch object (OAS {@code Batch}) with every key present, null where unset; times in unix seconds. */
public final class OpenAiBatchViews {
    private OpenAiBatchViews() {}

    public static ObjectNode batch(Batch b, BatchCounts c) {
        ObjectNode o = Json.object();
        o.put("id", b.id());
        o.put("object", "batch");
        o.put("endpoint", b.endpoint());
        text(o, "model", c.model());
        o.put("input_file_id", b.inputFileId());
        o.put("completion_window", b.completionWindow());
        o.put("status", b.status().stored());
        text(o, "output_file_id", b.outputFileId());
        text(o, "error_file_id", b.errorFileId());
        seconds(o, "created_at", b.createdAt());
        seconds(o, "in_progress_at", b.inProgressAt());
        seconds(o, "expires_at", b.expiresAt());
        seconds(o, "finalizing_at", b.finalizingAt());
        seconds(o, "completed_at", b.completedAt());
        seconds(o, "failed_at", b.failedAt());
        seconds(o, "expired_at", b.expiredAt());
        seconds(o, "cancelling_at", b.cancellingAt());
        seconds(o, "cancelled_at", b.cancelledAt());
        ObjectNode counts = o.putObject("request_counts");
        counts.put("total", b.total());
        counts.put("completed", c.completed());
        counts.put("failed", c.failed());
        if (b.errors() == null) {
            o.putNull("errors");
        } else {
            ObjectNode errors = o.putObject("errors");
            errors.put("object", "list");
            JsonNode data = Json.parseOrNull(b.errors());
            errors.set("data", data == null ? Json.array() : data);
        }
        ObjectNode usage = o.putObject("usage");
        usage.put("input_tokens", c.promptTokens());
        usage.putObject("input_tokens_details").put("cached_tokens", 0);
        usage.put("output_tokens", c.completionTokens());
        usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
        usage.put("total_tokens", c.promptTokens() + c.completionTokens());
        JsonNode metadata = b.metadata() == null ? null : Json.parseOrNull(b.metadata());
        if (metadata == null) o.putNull("metadata");
        else o.set("metadata", metadata);
        return o;
    }

    public static ObjectNode list(List<OpenAiBatches.Listed> page, boolean hasMore) {
        ObjectNode o = Json.object();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        page.forEach(l -> data.add(batch(l.batch(), l.counts())));
        if (page.isEmpty()) {
            o.putNull("first_id");
            o.putNull("last_id");
        } else {
            o.put("first_id", page.get(0).batch().id());
            o.put("last_id", page.get(page.size() - 1).batch().id());
        }
        o.put("has_more", hasMore);
        return o;
    }

    private static void text(ObjectNode o, String k, String v) {
        if (v == null) o.putNull(k);
        else o.put(k, v);
    }

    private static void seconds(ObjectNode o, String k, Long millis) {
        if (millis == null) o.putNull(k);
        else o.put(k, millis / 1000);
    }
}
