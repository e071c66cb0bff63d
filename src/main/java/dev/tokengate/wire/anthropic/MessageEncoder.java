package dev.tokengate.wire.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Choice;
import dev.tokengate.core.Json;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.Usage;

/** Writes a canonical response as an Anthropic {@code Message} for clients of {@code POST /v1/messages}. Pure. */
public final class MessageEncoder {
    private MessageEncoder() {}

    public static ObjectNode message(ChatResponse r) {
        Choice choice = r.choices().get(0);
        ObjectNode o = Json.object();
        o.put("id", messageId(r.id()));
        o.put("type", "message");
        o.put("role", "assistant");
        o.put("model", r.model());
        o.set("content", content(choice.message()));
        o.put("stop_reason", StopReasons.toStopReason(choice.finishReason()));
        o.putNull("stop_sequence");
        o.set("usage", AnthropicUsage.write(r.usage() == null ? Usage.ZERO : r.usage()));
        return o;
    }

    /** Upstream ids (chatcmpl-...) keep their unique part under Anthropic's prefix. */
    public static String messageId(String id) {
        if (id == null || id.isEmpty()) return "msg_tokengate";
        if (id.startsWith("msg_")) return id;
        return "msg_" + (id.startsWith("chatcmpl-") ? id.substring("chatcmpl-".length()) : id);
    }

    private static ArrayNode content(ChatMessage m) {
        ArrayNode blocks = Json.array();
        String text = m.text();
        if (!text.isEmpty()) blocks.addObject().put("type", "text").put("text", text);
        for (ToolCall call : m.toolCalls()) blocks.add(toolUse(call));
        return blocks;
    }

    static ObjectNode toolUse(ToolCall call) {
        ObjectNode b = Json.object();
        b.put("type", "tool_use");
        b.put("id", call.id());
        b.put("name", call.name());
        b.set("input", input(call.arguments()));
        return b;
    }

    /** Tool arguments as an object; a model's malformed JSON is kept as text under a key rather than dropped. */
    static JsonNode input(String arguments) {
        if (arguments == null || arguments.isBlank()) return Json.object();
        JsonNode n = Json.parseOrNull(arguments);
        return n != null && n.isObject() ? n : Json.object().put("_raw_arguments", arguments);
    }
}
