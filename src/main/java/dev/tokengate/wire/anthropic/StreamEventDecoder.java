package dev.tokengate.wire.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.core.Role;
import dev.tokengate.core.Usage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the events of one Anthropic stream into chunks with OpenAI's semantics: a first chunk with the role, text and
 * tool-call fragments (id and name once, then argument pieces), a chunk with the finish reason, then a usage chunk.
 * Stateful, one instance per stream; pure otherwise. Error events are the caller's to handle.
 */
public final class StreamEventDecoder {
    private final long created;
    private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
    private String id = "msg_upstream";
    private String model = "";
    private int inputTokens;
    private int cacheRead;
    private int cacheCreation;
    private int outputTokens;
    private String stopReason;
    private boolean finished;

    public StreamEventDecoder(long created) {
        this.created = created;
    }

    /** True once {@code message_stop} arrived: the stream is complete. */
    public boolean finished() {
        return finished;
    }

    public List<ChatChunk> onEvent(JsonNode event) {
        JsonNode index = event.path("index");
        return switch (event.path("type").asText()) {
            case "message_start" -> {
                JsonNode msg = event.path("message");
                id = msg.path("id").asText(id);
                model = msg.path("model").asText(model);
                readUsage(msg.path("usage"));
                yield List.of(delta(new ChatChunk.Delta(0, Role.ASSISTANT, "", null, null)));
            }
            case "content_block_start" -> blockStart(index.asInt(), event.path("content_block"));
            case "content_block_delta" -> blockDelta(index.asInt(), event.path("delta"));
            case "message_delta" -> {
                JsonNode d = event.path("delta");
                if (d.path("stop_reason").isTextual()) stopReason = d.path("stop_reason").asText();
                readUsage(event.path("usage"));
                yield List.of();
            }
            case "message_stop" -> {
                finished = true;
                Usage usage = new Usage(inputTokens + cacheRead + cacheCreation, outputTokens, cacheRead);
                yield List.of(delta(new ChatChunk.Delta(0, null, null, null, StopReasons.toFinishReason(stopReason))),
                        new ChatChunk(id, created, model, List.of(), usage, null));
            }
            default -> List.of(); // ping, content_block_stop, and event types added after this was written
        };
    }

    private List<ChatChunk> blockStart(int blockIndex, JsonNode block) {
        switch (block.path("type").asText()) {
            case "text" -> {
                String text = block.path("text").asText("");
                return text.isEmpty() ? List.of() : List.of(delta(new ChatChunk.Delta(0, null, text, null, null)));
            }
            case "tool_use" -> {
                int toolIndex = toolIndexByBlock.size();
                toolIndexByBlock.put(blockIndex, toolIndex);
                JsonNode input = block.path("input");
                String args = input.isObject() && !input.isEmpty() ? Json.text(input) : "";
                return List.of(toolDelta(new ChatChunk.ToolCallDelta(toolIndex, block.path("id").asText(),
                        block.path("name").asText(), args)));
            }
            default -> {
                return List.of();
            }
        }
    }

    private List<ChatChunk> blockDelta(int blockIndex, JsonNode d) {
        switch (d.path("type").asText()) {
            case "text_delta" -> {
                String text = d.path("text").asText("");
                return text.isEmpty() ? List.of() : List.of(delta(new ChatChunk.Delta(0, null, text, null, null)));
            }
            case "input_json_delta" -> {
                Integer toolIndex = toolIndexByBlock.get(blockIndex);
                String piece = d.path("partial_json").asText("");
                if (toolIndex == null || piece.isEmpty()) return List.of();
                return List.of(toolDelta(new ChatChunk.ToolCallDelta(toolIndex, null, null, piece)));
            }
            default -> {
                return List.of(); // thinking, signature and citation deltas have no place in a chat chunk
            }
        }
    }

    /** message_start carries the input counts; message_delta carries cumulative output and may repeat the rest. */
    private void readUsage(JsonNode u) {
        if (!u.isObject()) return;
        if (u.path("input_tokens").isNumber()) inputTokens = u.path("input_tokens").asInt();
        if (u.path("cache_read_input_tokens").isNumber()) cacheRead = u.path("cache_read_input_tokens").asInt();
        if (u.path("cache_creation_input_tokens").isNumber()) cacheCreation = u.path("cache_creation_input_tokens").asInt();
        if (u.path("output_tokens").isNumber()) outputTokens = u.path("output_tokens").asInt();
    }

    private ChatChunk toolDelta(ChatChunk.ToolCallDelta call) {
        return delta(new ChatChunk.Delta(0, null, null, List.of(call), null));
    }

    private ChatChunk delta(ChatChunk.Delta d) {
        return new ChatChunk(id, created, model, List.of(d), null, null);
    }
}
