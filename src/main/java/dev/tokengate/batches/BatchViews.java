package dev.tokengate.batches;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.Json;
import dev.tokengate.jobs.Job;
import dev.tokengate.jobs.JobStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Letta's wire shapes (seed 003): the BatchJob with every key present, and the Message of a batch's message list. */
public final class BatchViews {
    private BatchViews() {}

    public static String lettaStatus(BatchStatus s) {
        return switch (s) {
            case VALIDATING -> "created";
            case IN_PROGRESS, FINALIZING -> "running";
            case COMPLETED -> "completed";
            case FAILED -> "failed";
            case CANCELLING, CANCELLED -> "cancelled";
            case EXPIRED -> "expired";
        };
    }

    static String stopReason(BatchStatus s) {
        return switch (s) {
            case COMPLETED -> "end_turn";
            case FAILED -> "error";
            case CANCELLING, CANCELLED -> "cancelled";
            case EXPIRED, VALIDATING, IN_PROGRESS, FINALIZING -> null;
        };
    }

    public static ObjectNode batchJob(Batch b, BatchCounts counts) {
        ObjectNode o = Json.object();
        o.put("id", b.id());
        text(o, "agent_id", b.agentId());
        o.putNull("background");
        text(o, "callback_error", b.callbackStatus().error());
        time(o, "callback_sent_at", b.callbackStatus().sentAt());
        if (b.callbackStatus().statusCode() == null) o.putNull("callback_status_code");
        else o.put("callback_status_code", b.callbackStatus().statusCode());
        text(o, "callback_url", b.callbackUrl());
        time(o, "completed_at", b.endedAt());
        time(o, "created_at", b.createdAt());
        o.put("created_by_id", b.userId());
        o.put("job_type", "batch");
        o.put("last_updated_by_id", b.userId());
        ObjectNode meta = b.metadata() == null ? Json.object() : (ObjectNode) Json.parseOrNull(b.metadata());
        if (counts != null) {
            ObjectNode rc = meta.putObject("request_counts");
            rc.put("total", counts.total());
            rc.put("pending", counts.pending());
            rc.put("running", counts.running());
            rc.put("completed", counts.completed());
            rc.put("failed", counts.failed());
            rc.put("cancelled", counts.cancelled());
        }
        o.set("metadata", meta);
        o.put("status", lettaStatus(b.status()));
        text(o, "stop_reason", stopReason(b.status()));
        if (b.totalDurationNs() == null) o.putNull("total_duration_ns");
        else o.put("total_duration_ns", b.totalDurationNs());
        if (b.ttftNs() == null) o.putNull("ttft_ns");
        else o.put("ttft_ns", b.ttftNs());
        time(o, "updated_at", b.updatedAt());
        return o;
    }

    /** The request messages of each item followed by its answer, in item order. */
    public static List<ObjectNode> messages(Batch b, List<Job> items) {
        List<ObjectNode> out = new ArrayList<>();
        for (Job item : items) {
            JsonNode req = Json.parseOrNull(item.request());
            JsonNode msgs = req == null ? Json.array() : req.path("messages");
            for (int k = 0; k < msgs.size(); k++) {
                JsonNode m = msgs.get(k);
                String text = m.path("content").isTextual() ? m.path("content").asText() : joinText(m.path("content"));
                out.add(message(b, item, stableId(item.id() + ":in:" + k), m.path("role").asText(), text, false, item.createdAt()));
            }
            Job.Outcome o = item.outcome();
            if (item.status() == JobStatus.COMPLETED && o != null) {
                out.add(message(b, item, stableId(item.id() + ":out"), "assistant", o.result(), false, item.completedAt()));
            } else if (item.status().terminal() && o != null) {
                out.add(message(b, item, stableId(item.id() + ":out"), "assistant", o.error(), true, item.completedAt()));
            }
        }
        return out;
    }

    private static ObjectNode message(Batch b, Job item, String id, String role, String text, boolean isErr, Long at) {
        ObjectNode o = Json.object();
        o.put("id", id);
        text(o, "agent_id", item.customId());
        Job.Outcome out = item.outcome();
        text(o, "model", out != null && out.servedModel() != null ? out.servedModel() : item.model());
        o.put("role", role);
        ArrayNode content = o.putArray("content");
        if (text != null) content.addObject().put("type", "text").put("text", text);
        for (String k : List.of("name", "tool_calls", "tool_call_id", "step_id", "otid", "tool_returns", "group_id", "sender_id",
                "approval_request_id", "approve", "denial_reason", "approvals")) {
            o.putNull(k);
        }
        o.put("run_id", b.id());
        o.put("batch_item_id", item.id());
        o.put("is_err", isErr);
        time(o, "created_at", at == null ? item.createdAt() : at);
        time(o, "updated_at", at == null ? item.updatedAt() : at);
        o.put("created_by_id", b.userId());
        o.put("last_updated_by_id", b.userId());
        return o;
    }

    private static String joinText(JsonNode parts) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode p : parts) sb.append(p.path("text").asText(""));
        return sb.toString();
    }

    static String stableId(String seed) {
        return "message-" + UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
    }

    private static void text(ObjectNode o, String k, String v) {
        if (v == null) o.putNull(k);
        else o.put(k, v);
    }

    private static void time(ObjectNode o, String k, Long millis) {
        if (millis == null) o.putNull(k);
        else o.put(k, Instant.ofEpochMilli(millis).toString());
    }
}
