package dev.tokengate.wire.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a chat stream into Responses API stream events, in the order OpenAI sends them: response.created and
 * response.in_progress, then per output item output_item.added, its content or argument deltas, their done events and
 * output_item.done, and finally response.completed (or response.incomplete) carrying the whole Response with usage.
 * Every event carries {@code type} and a {@code sequence_number} that increases by one. Pure and single-threaded: feed
 * it the chunks of one stream in order.
 */
public final class ResponseStreamTranslator {
    private final ResponseSettings settings;
    private final String id;
    private final long createdAt;
    private final ResponseIds ids;
    private final List<Item> items = new ArrayList<>();
    private final Map<Integer, Call> callsByToolIndex = new HashMap<>();
    private int sequence;
    private boolean started;
    private String model;
    private String finishReason;
    private Usage usage;
    private Message openMessage;
    private ObjectNode finalResponse;

    private sealed interface Item permits Message, Call {}

    private static final class Message implements Item {
        final String id;
        final int outputIndex;
        final StringBuilder text = new StringBuilder();
        boolean done;

        Message(String id, int outputIndex) {
            this.id = id;
            this.outputIndex = outputIndex;
        }
    }

    private static final class Call implements Item {
        final String id;
        final int outputIndex;
        final String callId;
        final String name;
        final StringBuilder arguments = new StringBuilder();
        boolean done;

        Call(String id, int outputIndex, String callId, String name) {
            this.id = id;
            this.outputIndex = outputIndex;
            this.callId = callId;
            this.name = name;
        }
    }

    public ResponseStreamTranslator(ResponseSettings settings, String id, long createdAt, ResponseIds ids) {
        this.settings = settings;
        this.id = id;
        this.createdAt = createdAt;
        this.ids = ids;
        this.model = settings.model();
    }

    /** True once the first events were produced; a failure before that can still be a plain HTTP error. */
    public boolean started() {
        return started;
    }

    public List<ObjectNode> onChunk(ChatChunk chunk) {
        List<ObjectNode> out = new ArrayList<>();
        if (!started) model = chunk.model();
        start(out);
        if (chunk.usage() != null) usage = chunk.usage();
        for (ChatChunk.Delta d : chunk.choices()) {
            if (d.index() != 0) continue;
            if (d.content() != null && !d.content().isEmpty()) text(d.content(), out);
            if (d.toolCalls() != null) d.toolCalls().forEach(t -> toolCall(t, out));
            if (d.finishReason() != null) finishReason = d.finishReason();
        }
        return out;
    }

    /** The stream ended well: closes every item and ends with response.completed, or response.incomplete. */
    public List<ObjectNode> complete(long completedAt) {
        List<ObjectNode> out = new ArrayList<>();
        start(out);
        if (items.isEmpty()) openMessage(out);
        closeAll(out);
        String reason = ResponseEncoder.incompleteReason(finishReason);
        finalResponse = response(reason == null ? "completed" : "incomplete", reason == null ? completedAt : null, reason, null,
                usage == null ? Usage.ZERO : usage);
        out.add(event(reason == null ? "response.completed" : "response.incomplete").set("response", finalResponse));
        return out;
    }

    /** The Response that {@link #complete} ended with, as a client retrieving it later sees it. */
    public ObjectNode finalResponse() {
        if (finalResponse == null) throw new IllegalStateException("the stream has not completed");
        return finalResponse;
    }

    /** The stream broke after it started: an {@code error} event, then response.failed with what was produced. */
    public List<ObjectNode> fail(ApiException e) {
        List<ObjectNode> out = new ArrayList<>();
        start(out);
        ObjectNode error = event("error");
        if (e.code() == null) error.putNull("code");
        else error.put("code", e.code());
        error.put("message", e.getMessage());
        if (e.param() == null) error.putNull("param");
        else error.put("param", e.param());
        out.add(error);
        ObjectNode failed = response("failed", null, null, ResponseEncoder.error(e), usage);
        out.add(event("response.failed").set("response", failed));
        return out;
    }

    private void start(List<ObjectNode> out) {
        if (started) return;
        started = true;
        out.add(event("response.created").set("response", response("in_progress", null, null, null, null)));
        out.add(event("response.in_progress").set("response", response("in_progress", null, null, null, null)));
    }

    private void text(String delta, List<ObjectNode> out) {
        if (openMessage == null) openMessage(out);
        openMessage.text.append(delta);
        ObjectNode e = event("response.output_text.delta").put("item_id", openMessage.id).put("output_index", openMessage.outputIndex)
                .put("content_index", 0).put("delta", delta);
        e.putArray("logprobs");
        out.add(e);
    }

    private void openMessage(List<ObjectNode> out) {
        openMessage = new Message(ids.next("msg_"), items.size());
        items.add(openMessage);
        out.add(event("response.output_item.added").put("output_index", openMessage.outputIndex)
                .set("item", ResponseEncoder.messageItem(openMessage.id, "in_progress")));
        out.add(event("response.content_part.added").put("item_id", openMessage.id).put("output_index", openMessage.outputIndex)
                .put("content_index", 0).set("part", ResponseItems.outputText("")));
    }

    private void toolCall(ChatChunk.ToolCallDelta t, List<ObjectNode> out) {
        Call call = callsByToolIndex.get(t.index());
        if (call == null || t.id() != null && !t.id().equals(call.callId)) {
            // a new call: the text before it is finished
            if (openMessage != null) closeMessage(openMessage, out);
            openMessage = null;
            call = new Call(ids.next("fc_"), items.size(), t.id() == null ? ids.next("call_") : t.id(), t.name() == null ? "" : t.name());
            items.add(call);
            callsByToolIndex.put(t.index(), call);
            out.add(event("response.output_item.added").put("output_index", call.outputIndex)
                    .set("item", ResponseEncoder.functionCallItem(call.id, new ToolCall(call.callId, call.name, ""), "in_progress")));
        }
        if (t.arguments() != null && !t.arguments().isEmpty()) {
            call.arguments.append(t.arguments());
            out.add(event("response.function_call_arguments.delta").put("item_id", call.id).put("output_index", call.outputIndex)
                    .put("delta", t.arguments()));
        }
    }

    private void closeAll(List<ObjectNode> out) {
        for (Item item : items) {
            switch (item) {
                case Message m -> closeMessage(m, out);
                case Call c -> closeCall(c, out);
            }
        }
    }

    private void closeMessage(Message m, List<ObjectNode> out) {
        if (m.done) return;
        m.done = true;
        String text = m.text.toString();
        ObjectNode done = event("response.output_text.done").put("item_id", m.id).put("output_index", m.outputIndex)
                .put("content_index", 0).put("text", text);
        done.putArray("logprobs");
        out.add(done);
        out.add(event("response.content_part.done").put("item_id", m.id).put("output_index", m.outputIndex)
                .put("content_index", 0).set("part", ResponseItems.outputText(text)));
        out.add(event("response.output_item.done").put("output_index", m.outputIndex).set("item", messageItem(m)));
    }

    private void closeCall(Call c, List<ObjectNode> out) {
        if (c.done) return;
        c.done = true;
        out.add(event("response.function_call_arguments.done").put("item_id", c.id).put("output_index", c.outputIndex)
                .put("name", c.name).put("arguments", c.arguments.toString()));
        out.add(event("response.output_item.done").put("output_index", c.outputIndex).set("item", callItem(c)));
    }

    private ObjectNode messageItem(Message m) {
        String status = !m.done ? "in_progress" : ResponseEncoder.incompleteReason(finishReason) == null ? "completed" : "incomplete";
        ObjectNode item = ResponseEncoder.messageItem(m.id, status);
        ((ArrayNode) item.get("content")).add(ResponseItems.outputText(m.text.toString()));
        return item;
    }

    private ObjectNode callItem(Call c) {
        return ResponseEncoder.functionCallItem(c.id, new ToolCall(c.callId, c.name, c.arguments.toString()),
                c.done ? "completed" : "in_progress");
    }

    private ObjectNode response(String status, Long completedAt, String incompleteReason, ObjectNode error, Usage usage) {
        ArrayNode output = Json.array();
        if (!status.equals("in_progress")) {
            for (Item item : items) {
                output.add(switch (item) {
                    case Message m -> messageItem(m);
                    case Call c -> callItem(c);
                });
            }
        }
        return ResponseEncoder.response(settings, new ResponseEncoder.State(id, createdAt, model, status, completedAt,
                incompleteReason, error, output, usage));
    }

    private ObjectNode event(String type) {
        return Json.object().put("type", type).put("sequence_number", sequence++);
    }
}
