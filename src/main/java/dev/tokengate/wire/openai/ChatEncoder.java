package dev.tokengate.wire.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Choice;
import dev.tokengate.core.ContentPart;
import dev.tokengate.core.Json;
import dev.tokengate.core.ResponseFormat;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.ToolChoice;
import dev.tokengate.core.ToolSpec;
import dev.tokengate.core.Usage;

/** Writes canonical objects as OpenAI Chat Completions JSON: responses and chunks for clients, requests for upstreams. */
public final class ChatEncoder {
    private ChatEncoder() {}

    public static ObjectNode response(ChatResponse r) {
        ObjectNode o = Json.object();
        o.put("id", r.id());
        o.put("object", "chat.completion");
        o.put("created", r.created());
        o.put("model", r.model());
        ArrayNode choices = o.putArray("choices");
        for (Choice c : r.choices()) {
            ObjectNode ch = choices.addObject();
            ch.put("index", c.index());
            ObjectNode msg = ch.putObject("message");
            msg.put("role", "assistant");
            String text = c.message().content() == null ? null : c.message().text();
            if (text == null) msg.putNull("content");
            else msg.put("content", text);
            if (c.message().refusal() == null) msg.putNull("refusal");
            else msg.put("refusal", c.message().refusal());
            if (!c.message().toolCalls().isEmpty()) msg.set("tool_calls", toolCalls(c.message()));
            msg.putArray("annotations");
            ch.putNull("logprobs");
            ch.put("finish_reason", c.finishReason());
        }
        if (r.usage() != null) o.set("usage", usage(r.usage()));
        o.put("service_tier", "default");
        if (r.systemFingerprint() != null) o.put("system_fingerprint", r.systemFingerprint());
        else o.putNull("system_fingerprint");
        return o;
    }

    /**
     * @param includeUsage whether the client asked for include_usage: then every chunk carries a {@code usage} key;
     *                     otherwise none does, even when the upstream reported usage on a content chunk.
     */
    public static ObjectNode chunk(ChatChunk c, boolean includeUsage) {
        ObjectNode o = Json.object();
        o.put("id", c.id());
        o.put("object", "chat.completion.chunk");
        o.put("created", c.created());
        o.put("model", c.model());
        o.put("service_tier", "default");
        if (c.systemFingerprint() != null) o.put("system_fingerprint", c.systemFingerprint());
        ArrayNode choices = o.putArray("choices");
        for (ChatChunk.Delta d : c.choices()) {
            ObjectNode ch = choices.addObject();
            ch.put("index", d.index());
            ObjectNode delta = ch.putObject("delta");
            if (d.role() != null) delta.put("role", d.role().wire());
            if (d.content() != null) delta.put("content", d.content());
            else if (d.role() != null) delta.putNull("content");
            if (d.toolCalls() != null && !d.toolCalls().isEmpty()) {
                ArrayNode calls = delta.putArray("tool_calls");
                for (ChatChunk.ToolCallDelta t : d.toolCalls()) {
                    ObjectNode call = calls.addObject();
                    call.put("index", t.index());
                    if (t.id() != null) {
                        call.put("id", t.id());
                        call.put("type", "function");
                    }
                    ObjectNode fn = call.putObject("function");
                    if (t.name() != null) fn.put("name", t.name());
                    if (t.arguments() != null) fn.put("arguments", t.arguments());
                }
            }
            ch.putNull("logprobs");
            if (d.finishReason() == null) ch.putNull("finish_reason");
            else ch.put("finish_reason", d.finishReason());
        }
        if (includeUsage) {
            if (c.usage() != null) o.set("usage", usage(c.usage()));
            else o.putNull("usage");
        }
        return o;
    }

    public static ObjectNode usage(Usage u) {
        ObjectNode o = Json.object();
        o.put("prompt_tokens", u.promptTokens());
        o.put("completion_tokens", u.completionTokens());
        o.put("total_tokens", u.totalTokens());
        ObjectNode pd = o.putObject("prompt_tokens_details");
        pd.put("cached_tokens", u.cachedPromptTokens());
        pd.put("audio_tokens", 0);
        ObjectNode cd = o.putObject("completion_tokens_details");
        cd.put("reasoning_tokens", 0);
        cd.put("audio_tokens", 0);
        cd.put("accepted_prediction_tokens", 0);
        cd.put("rejected_prediction_tokens", 0);
        return o;
    }

    public static ObjectNode error(ApiException e) {
        ObjectNode o = Json.object();
        ObjectNode err = o.putObject("error");
        err.put("message", e.getMessage());
        err.put("type", e.kind().type());
        if (e.param() == null) err.putNull("param");
        else err.put("param", e.param());
        if (e.code() == null) err.putNull("code");
        else err.put("code", e.code());
        return o;
    }

    /** The request body for an OpenAI-compatible upstream. Parameters we do not interpret pass through unchanged. */
    public static ObjectNode upstreamRequest(ChatRequest r, String upstreamModel) {
        ObjectNode o = r.passthrough().deepCopy();
        o.put("model", upstreamModel);
        ArrayNode msgs = o.putArray("messages");
        for (ChatMessage m : r.messages()) msgs.add(message(m));
        if (!r.tools().isEmpty()) {
            ArrayNode tools = o.putArray("tools");
            for (ToolSpec t : r.tools()) {
                ObjectNode tool = tools.addObject();
                tool.put("type", "function");
                ObjectNode fn = tool.putObject("function");
                fn.put("name", t.name());
                if (t.description() != null) fn.put("description", t.description());
                if (t.parameters() != null) fn.set("parameters", t.parameters());
                if (t.strict() != null) fn.put("strict", t.strict());
            }
            switch (r.toolChoice()) {
                case ToolChoice.None n -> o.put("tool_choice", "none");
                case ToolChoice.Auto a -> o.put("tool_choice", "auto");
                case ToolChoice.Required q -> o.put("tool_choice", "required");
                case ToolChoice.Named n -> o.putObject("tool_choice").put("type", "function").putObject("function").put("name", n.name());
            }
            if (r.parallelToolCalls() != null) o.put("parallel_tool_calls", r.parallelToolCalls());
        }
        switch (r.responseFormat()) {
            case ResponseFormat.Text t -> { }
            case ResponseFormat.JsonObject j -> o.putObject("response_format").put("type", "json_object");
            case ResponseFormat.JsonSchema s -> {
                ObjectNode rf = o.putObject("response_format");
                rf.put("type", "json_schema");
                ObjectNode js = rf.putObject("json_schema");
                js.put("name", s.name());
                if (s.description() != null) js.put("description", s.description());
                if (s.schema() != null) js.set("schema", s.schema());
                if (s.strict() != null) js.put("strict", s.strict());
            }
        }
        if (r.stream()) {
            o.put("stream", true);
            // always ask for usage: billing needs it even when the client did not
            o.putObject("stream_options").put("include_usage", true);
        }
        if (r.maxTokens() != null) o.put("max_completion_tokens", r.maxTokens());
        if (r.temperature() != null) o.put("temperature", r.temperature());
        if (r.topP() != null) o.put("top_p", r.topP());
        if (r.n() != 1) o.put("n", r.n());
        if (!r.stop().isEmpty()) {
            ArrayNode stop = o.putArray("stop");
            r.stop().forEach(stop::add);
        }
        if (r.user() != null) o.put("user", r.user());
        return o;
    }

    public static ObjectNode message(ChatMessage m) {
        ObjectNode o = Json.object();
        o.put("role", m.role().wire());
        if (m.content() == null) {
            o.putNull("content");
        } else if (m.contentIsString() && m.content().size() == 1 && m.content().get(0) instanceof ContentPart.Text t) {
            o.put("content", t.text());
        } else {
            ArrayNode parts = o.putArray("content");
            for (ContentPart p : m.content()) {
                switch (p) {
                    case ContentPart.Text t -> parts.addObject().put("type", "text").put("text", t.text());
                    case ContentPart.Image i -> {
                        ObjectNode img = parts.addObject().put("type", "image_url").putObject("image_url");
                        img.put("url", i.url());
                        if (i.detail() != null) img.put("detail", i.detail());
                    }
                    case ContentPart.Opaque op -> parts.add(op.raw());
                }
            }
        }
        if (m.name() != null) o.put("name", m.name());
        if (!m.toolCalls().isEmpty()) o.set("tool_calls", toolCalls(m));
        if (m.toolCallId() != null) o.put("tool_call_id", m.toolCallId());
        return o;
    }

    private static ArrayNode toolCalls(ChatMessage m) {
        ArrayNode calls = Json.array();
        for (ToolCall c : m.toolCalls()) {
            ObjectNode call = calls.addObject();
            call.put("id", c.id());
            call.put("type", "function");
            call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
        }
        return calls;
    }
}
