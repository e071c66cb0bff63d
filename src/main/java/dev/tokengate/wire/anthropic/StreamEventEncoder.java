package dev.tokengate.wire.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.core.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a canonical chunk stream into Anthropic stream events for clients of {@code POST /v1/messages}: message_start,
 * one content block per text run or tool call (start, deltas, stop), then message_delta with the stop reason and usage,
 * and message_stop. Stateful, one instance per stream; pure otherwise.
 */
public final class StreamEventEncoder {
    /** One SSE event: its {@code event:} name and JSON data (which carries the same name as {@code type}). */
    public record Event(String name, ObjectNode data) {}

    private final int inputTokensEstimate;
    private final Map<Integer, Integer> blockByToolIndex = new HashMap<>();
    private boolean started;
    private int openBlock = -1;
    private boolean openIsText;
    private int nextBlock;
    private String stopReason = "end_turn";
    private Usage usage;

    /** @param inputTokensEstimate reported in message_start; the exact count follows in message_delta */
    public StreamEventEncoder(int inputTokensEstimate) {
        this.inputTokensEstimate = inputTokensEstimate;
    }

    public List<Event> onChunk(ChatChunk chunk) {
        List<Event> out = new ArrayList<>();
        if (!started) start(chunk.id(), chunk.model(), out);
        if (chunk.usage() != null) usage = chunk.usage();
        for (ChatChunk.Delta d : chunk.choices()) {
            if (d.index() != 0) continue;
            if (d.content() != null && !d.content().isEmpty()) {
                if (openBlock < 0 || !openIsText) open(Json.object().put("type", "text").put("text", ""), true, out);
                out.add(blockDelta(openBlock, Json.object().put("type", "text_delta").put("text", d.content())));
            }
            if (d.toolCalls() != null) for (ChatChunk.ToolCallDelta t : d.toolCalls()) toolCall(t, out);
            if (d.finishReason() != null) {
                stopReason = StopReasons.toStopReason(d.finishReason());
                close(out);
            }
        }
        return out;
    }

    /** The closing events; call once, after the last chunk. */
    public List<Event> finish() {
        List<Event> out = new ArrayList<>();
        if (!started) start(null, "", out);
        close(out);
        ObjectNode delta = event("message_delta");
        delta.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
        Usage u = usage == null ? new Usage(inputTokensEstimate, 0, 0) : usage;
        ObjectNode du = delta.putObject("usage");
        du.put("input_tokens", Math.max(0, u.promptTokens() - u.cachedPromptTokens()));
        du.put("output_tokens", u.completionTokens());
        du.put("cache_creation_input_tokens", 0);
        du.put("cache_read_input_tokens", u.cachedPromptTokens());
        du.putNull("server_tool_use");
        out.add(new Event("message_delta", delta));
        out.add(new Event("message_stop", event("message_stop")));
        return out;
    }

    private void start(String id, String model, List<Event> out) {
        started = true;
        ObjectNode e = event("message_start");
        ObjectNode m = e.putObject("message");
        m.put("id", MessageEncoder.messageId(id));
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", model);
        m.putArray("content");
        m.putNull("stop_reason");
        m.putNull("stop_sequence");
        m.set("usage", AnthropicUsage.write(new Usage(inputTokensEstimate, 0, 0)));
        out.add(new Event("message_start", e));
    }

    private void toolCall(ChatChunk.ToolCallDelta t, List<Event> out) {
        if (t.id() != null) {
            ObjectNode block = Json.object().put("type", "tool_use").put("id", t.id()).put("name", t.name() == null ? "" : t.name());
            block.putObject("input");
            open(block, false, out);
            blockByToolIndex.put(t.index(), openBlock);
        }
        Integer block = blockByToolIndex.get(t.index());
        if (block == null || t.arguments() == null || t.arguments().isEmpty()) return;
        out.add(blockDelta(block, Json.object().put("type", "input_json_delta").put("partial_json", t.arguments())));
    }

    private void open(ObjectNode contentBlock, boolean text, List<Event> out) {
        close(out);
        openBlock = nextBlock++;
        openIsText = text;
        ObjectNode e = event("content_block_start");
        e.put("index", openBlock);
        e.set("content_block", contentBlock);
        out.add(new Event("content_block_start", e));
    }

    private void close(List<Event> out) {
        if (openBlock < 0) return;
        ObjectNode e = event("content_block_stop");
        e.put("index", openBlock);
        out.add(new Event("content_block_stop", e));
        openBlock = -1;
    }

    private static Event blockDelta(int index, ObjectNode delta) {
        ObjectNode e = event("content_block_delta");
        e.put("index", index);
        e.set("delta", delta);
        return new Event("content_block_delta", e);
    }

    private static ObjectNode event(String type) {
        return Json.object().put("type", type);
    }
}
