package dev.tokengate.wire.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.Usage;
import java.util.List;

/** Writes canonical chat results as OpenAI Responses API objects ({@code Response}, output items, lists). Pure. */
public final class ResponseEncoder {
    private ResponseEncoder() {}

    /**
     * Where a response stands: {@code status} is in_progress, completed, incomplete or failed.
     *
     * @param incompleteReason max_output_tokens or content_filter when incomplete, else null
     * @param error            {@code {code, message}} when failed, else null
     * @param usage            null until the model has finished
     */
    public record State(String id, long createdAt, String model, String status, Long completedAt, String incompleteReason,
                        ObjectNode error, ArrayNode output, Usage usage) {}

    /** The Response of a finished chat: its first choice's text and tool calls as output items. */
    public static State finished(ChatResponse r, String id, long createdAt, long completedAt, ResponseIds ids) {
        ArrayNode output = Json.array();
        ChatMessage m = r.choices().get(0).message();
        String finish = r.choices().get(0).finishReason();
        String reason = incompleteReason(finish);
        boolean hasText = m.content() != null && !m.text().isEmpty();
        if (hasText || m.refusal() != null || m.toolCalls().isEmpty()) {
            ObjectNode item = messageItem(ids.next("msg_"), reason == null ? "completed" : "incomplete");
            ArrayNode content = (ArrayNode) item.get("content");
            if (hasText || m.refusal() == null) content.add(ResponseItems.outputText(m.text()));
            if (m.refusal() != null) content.addObject().put("type", "refusal").put("refusal", m.refusal());
            output.add(item);
        }
        for (ToolCall c : m.toolCalls()) output.add(functionCallItem(ids.next("fc_"), c, "completed"));
        String status = reason == null ? "completed" : "incomplete";
        return new State(id, createdAt, r.model(), status, reason == null ? completedAt : null, reason, null, output,
                r.usage() == null ? Usage.ZERO : r.usage());
    }

    /** Chat finish reasons that leave a Response incomplete, by the Response's reason; null for a complete one. */
    public static String incompleteReason(String finishReason) {
        if (finishReason == null) return null;
        return switch (finishReason) {
            case "length" -> "max_output_tokens";
            case "content_filter" -> "content_filter";
            default -> null;
        };
    }

    /** The Response object with every key the SDKs require, echoing the request's settings. */
    public static ObjectNode response(ResponseSettings s, State st) {
        ObjectNode o = Json.object();
        o.put("id", st.id());
        o.put("object", "response");
        o.put("created_at", st.createdAt());
        o.put("status", st.status());
        o.put("background", false);
        if (st.completedAt() == null) o.putNull("completed_at");
        else o.put("completed_at", st.completedAt());
        o.set("error", st.error() == null ? Json.object().nullNode() : st.error());
        if (st.incompleteReason() == null) o.putNull("incomplete_details");
        else o.putObject("incomplete_details").put("reason", st.incompleteReason());
        putNullable(o, "instructions", s.instructions());
        if (s.maxOutputTokens() == null) o.putNull("max_output_tokens");
        else o.put("max_output_tokens", s.maxOutputTokens());
        o.put("model", st.model());
        o.set("output", st.output());
        o.put("parallel_tool_calls", s.parallelToolCalls());
        putNullable(o, "previous_response_id", s.previousResponseId());
        o.set("reasoning", s.reasoning().deepCopy());
        o.put("service_tier", "default");
        o.put("store", s.store());
        o.put("temperature", s.temperature());
        o.set("text", s.text().deepCopy());
        o.set("tool_choice", s.toolChoice().deepCopy());
        o.set("tools", s.tools().deepCopy());
        o.put("top_p", s.topP());
        o.put("truncation", s.truncation());
        if (st.usage() == null) o.putNull("usage");
        else o.set("usage", usage(st.usage()));
        putNullable(o, "user", s.user());
        o.set("metadata", s.metadata().deepCopy());
        return o;
    }

    public static ObjectNode usage(Usage u) {
        ObjectNode o = Json.object();
        o.put("input_tokens", u.promptTokens());
        o.putObject("input_tokens_details").put("cached_tokens", u.cachedPromptTokens()).put("cache_write_tokens", 0);
        o.put("output_tokens", u.completionTokens());
        o.putObject("output_tokens_details").put("reasoning_tokens", 0);
        o.put("total_tokens", u.totalTokens());
        return o;
    }

    /** An assistant message output item with no content yet. */
    public static ObjectNode messageItem(String id, String status) {
        ObjectNode o = Json.object().put("id", id).put("type", "message").put("status", status).put("role", "assistant");
        o.putArray("content");
        return o;
    }

    public static ObjectNode functionCallItem(String id, ToolCall call, String status) {
        return Json.object().put("id", id).put("type", "function_call").put("status", status).put("call_id", call.id())
                .put("name", call.name()).put("arguments", call.arguments());
    }

    /** The Response's {@code error} for a failure: {@code {code, message}} with a code from ResponseError's set. */
    public static ObjectNode error(ApiException e) {
        String code = e.kind() == ErrorKind.RATE_LIMITED ? "rate_limit_exceeded"
                : e.kind() == ErrorKind.INVALID_REQUEST ? "invalid_prompt" : "server_error";
        return Json.object().put("code", code).put("message", e.getMessage());
    }

    public static ObjectNode deleted(String id) {
        return Json.object().put("id", id).put("object", "response").put("deleted", true);
    }

    /** A page of input items: {@code first_id} and {@code last_id} are null on an empty page. */
    public static ObjectNode itemList(List<? extends JsonNode> page, boolean hasMore) {
        ObjectNode o = Json.object().put("object", "list");
        ArrayNode data = o.putArray("data");
        page.forEach(data::add);
        putNullable(o, "first_id", page.isEmpty() ? null : page.get(0).path("id").asText());
        putNullable(o, "last_id", page.isEmpty() ? null : page.get(page.size() - 1).path("id").asText());
        o.put("has_more", hasMore);
        return o;
    }

    private static void putNullable(ObjectNode o, String key, String value) {
        if (value == null) o.putNull(key);
        else o.put(key, value);
    }
}
