package dev.tokengate.batches;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import dev.tokengate.jobs.Job;
import dev.tokengate.wire.anthropic.AnthropicErrors;
import dev.tokengate.wire.anthropic.MessageEncoder;
import dev.tokengate.wire.openai.UpstreamDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Anthropic's Message Batches shapes: the {@code MessageBatch} (RFC 3339 times, null where unset), its list page, the
 * deletion answer, and one results line per item.
 */
public final class AnthropicBatchViews {
    private AnthropicBatchViews() {}

    public static String processingStatus(Batch b) {
        return switch (b.status()) {
            case COMPLETED, FAILED, CANCELLED, EXPIRED -> "ended";
            case CANCELLING -> "canceling";
            case FINALIZING -> b.cancellingAt() != null ? "canceling" : "in_progress";
            case VALIDATING, IN_PROGRESS -> "in_progress";
        };
    }

    /** @param resultsUrl the absolute URL of the batch's results; shown only once the batch has ended */
    public static ObjectNode messageBatch(Batch b, BatchCounts c, String resultsUrl) {
        ObjectNode o = Json.object();
        o.put("id", b.id());
        o.put("type", "message_batch");
        String status = processingStatus(b);
        o.put("processing_status", status);
        ObjectNode counts = o.putObject("request_counts");
        counts.put("processing", c.active());
        counts.put("succeeded", c.completed());
        counts.put("errored", c.failed());
        // items that never ran were stopped by a cancel, or else by the batch's expiry
        boolean cancelled = b.cancellingAt() != null;
        counts.put("canceled", cancelled ? c.cancelled() : 0);
        counts.put("expired", cancelled ? 0 : c.cancelled());
        time(o, "ended_at", b.endedAt());
        time(o, "created_at", b.createdAt());
        time(o, "expires_at", b.expiresAt());
        time(o, "cancel_initiated_at", b.cancellingAt());
        o.putNull("archived_at");
        if (status.equals("ended")) o.put("results_url", resultsUrl);
        else o.putNull("results_url");
        return o;
    }

    public static ObjectNode page(List<ObjectNode> batches, boolean hasMore) {
        ObjectNode o = Json.object();
        ArrayNode data = o.putArray("data");
        batches.forEach(data::add);
        o.put("has_more", hasMore);
        if (batches.isEmpty()) {
            o.putNull("first_id");
            o.putNull("last_id");
        } else {
            o.put("first_id", batches.get(0).path("id").asText());
            o.put("last_id", batches.get(batches.size() - 1).path("id").asText());
        }
        return o;
    }

    public static ObjectNode deleted(String id) {
        return Json.object().put("id", id).put("type", "message_batch_deleted");
    }

    /** The results line of an item that has ended ({@code MessageBatchIndividualResponse}); null for one still active. */
    public static ObjectNode resultLine(Batch b, Job item) {
        ObjectNode result = switch (item.status()) {
            case COMPLETED -> succeeded(item);
            case FAILED -> errored(item);
            case CANCELLED -> Json.object().put("type", b.cancellingAt() != null ? "canceled" : "expired");
            case PENDING, ASSIGNED -> null;
        };
        if (result == null) return null;
        ObjectNode line = Json.object();
        line.put("custom_id", item.customId());
        line.set("result", result);
        return line;
    }

    private static ObjectNode succeeded(Job item) {
        JsonNode response = item.outcome() == null || item.outcome().response() == null ? null : Json.parseOrNull(item.outcome().response());
        if (response == null) return error(item, ErrorKind.INTERNAL, "The answer to this request was not kept.");
        ObjectNode r = Json.object();
        r.put("type", "succeeded");
        r.set("message", MessageEncoder.message(UpstreamDecoder.response(response)));
        return r;
    }

    private static ObjectNode errored(Job item) {
        Job.Outcome o = item.outcome();
        ErrorKind kind = kindOf(o == null ? null : o.errorStatus());
        return error(item, kind, o == null || o.error() == null ? "The request failed." : o.error());
    }

    private static ObjectNode error(Job item, ErrorKind kind, String message) {
        ObjectNode r = Json.object();
        r.put("type", "errored");
        ObjectNode response = r.putObject("error");
        response.put("type", "error");
        ObjectNode error = response.putObject("error");
        error.put("type", AnthropicErrors.type(kind));
        error.put("message", message);
        response.put("request_id", "req_" + UUID.nameUUIDFromBytes((item.id() + "#" + item.attempts()).getBytes(StandardCharsets.UTF_8))
                .toString().replace("-", ""));
        return r;
    }

    private static ErrorKind kindOf(Integer status) {
        if (status != null) {
            for (ErrorKind k : ErrorKind.values()) if (k.status() == status) return k;
        }
        return status != null && status < 500 ? ErrorKind.INVALID_REQUEST : ErrorKind.INTERNAL;
    }

    private static void time(ObjectNode o, String k, Long millis) {
        if (millis == null) o.putNull(k);
        else o.put(k, Instant.ofEpochMilli(millis).toString());
    }
}
