package dev.tokengate.wire.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Choice;
import dev.tokengate.core.ContentPart;
import dev.tokengate.core.Json;
import dev.tokengate.core.RelayedAnswer;
import dev.tokengate.core.ResponseFormat;
import dev.tokengate.core.TokenLimitParam;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.ToolChoice;
import dev.tokengate.core.ToolSpec;
import dev.tokengate.core.Usage;
import java.io.IOException;

/** Writes canonical objects as OpenAI Chat Completions JSON: responses and chunks for clients, requests for upstreams. */
public final class ChatEncoder {
    private ChatEncoder() {}

    /** The chat.completion body, as bytes: the client's answer on the hot path. */
    public static byte[] responseBytes(ChatResponse r) {
        return Json.write(g -> writeResponse(g, r));
    }

    /** A decoded answer, encoded for an OpenAI client, with the usage to bill (none reported: zero). */
    public static RelayedAnswer encodedAnswer(ChatResponse r) {
        return new RelayedAnswer(responseBytes(r), r.usage() == null ? Usage.ZERO : r.usage());
    }

    public static ObjectNode response(ChatResponse r) {
        return (ObjectNode) Json.parseOrNull(responseBytes(r));
    }

    private static void writeResponse(JsonGenerator g, ChatResponse r) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", r.id());
        g.writeStringField("object", "chat.completion");
        g.writeNumberField("created", r.created());
        g.writeStringField("model", r.model());
        g.writeArrayFieldStart("choices");
        for (Choice c : r.choices()) {
            g.writeStartObject();
            g.writeNumberField("index", c.index());
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            g.writeStringField("content", c.message().content() == null ? null : c.message().text());
            g.writeStringField("refusal", c.message().refusal());
            if (!c.message().toolCalls().isEmpty()) {
                g.writeFieldName("tool_calls");
                writeToolCalls(g, c.message());
            }
            g.writeArrayFieldStart("annotations");
            g.writeEndArray();
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", c.finishReason());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (r.usage() != null) {
            g.writeFieldName("usage");
            writeUsage(g, r.usage());
        }
        g.writeStringField("service_tier", "default");
        g.writeStringField("system_fingerprint", r.systemFingerprint());
        g.writeEndObject();
    }

    /**
     * One chat.completion.chunk, as bytes.
     *
     * @param includeUsage whether the client asked for include_usage: then every chunk carries a {@code usage} key;
     *                     otherwise none does, even when the upstream reported usage on a content chunk.
     */
    public static byte[] chunkBytes(ChatChunk c, boolean includeUsage) {
        return Json.write(g -> writeChunk(g, c, includeUsage));
    }

    public static ObjectNode chunk(ChatChunk c, boolean includeUsage) {
        return (ObjectNode) Json.parseOrNull(chunkBytes(c, includeUsage));
    }

    private static void writeChunk(JsonGenerator g, ChatChunk c, boolean includeUsage) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", c.id());
        g.writeStringField("object", "chat.completion.chunk");
        g.writeNumberField("created", c.created());
        g.writeStringField("model", c.model());
        g.writeStringField("service_tier", "default");
        if (c.systemFingerprint() != null) g.writeStringField("system_fingerprint", c.systemFingerprint());
        g.writeArrayFieldStart("choices");
        for (ChatChunk.Delta d : c.choices()) {
            g.writeStartObject();
            g.writeNumberField("index", d.index());
            g.writeObjectFieldStart("delta");
            if (d.role() != null) g.writeStringField("role", d.role().wire());
            if (d.content() != null) g.writeStringField("content", d.content());
            else if (d.role() != null) g.writeNullField("content");
            if (d.toolCalls() != null && !d.toolCalls().isEmpty()) {
                g.writeArrayFieldStart("tool_calls");
                for (ChatChunk.ToolCallDelta t : d.toolCalls()) {
                    g.writeStartObject();
                    g.writeNumberField("index", t.index());
                    if (t.id() != null) {
                        g.writeStringField("id", t.id());
                        g.writeStringField("type", "function");
                    }
                    g.writeObjectFieldStart("function");
                    if (t.name() != null) g.writeStringField("name", t.name());
                    if (t.arguments() != null) g.writeStringField("arguments", t.arguments());
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", d.finishReason());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (includeUsage) {
            g.writeFieldName("usage");
            if (c.usage() != null) writeUsage(g, c.usage());
            else g.writeNull();
        }
        g.writeEndObject();
    }

    private static void writeUsage(JsonGenerator g, Usage u) throws IOException {
        g.writeStartObject();
        g.writeNumberField("prompt_tokens", u.promptTokens());
        g.writeNumberField("completion_tokens", u.completionTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", u.cachedPromptTokens());
        g.writeNumberField("audio_tokens", 0);
        g.writeEndObject();
        g.writeObjectFieldStart("completion_tokens_details");
        g.writeNumberField("reasoning_tokens", 0);
        g.writeNumberField("audio_tokens", 0);
        g.writeNumberField("accepted_prediction_tokens", 0);
        g.writeNumberField("rejected_prediction_tokens", 0);
        g.writeEndObject();
        g.writeEndObject();
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

    /**
     * The request body for an OpenAI-compatible upstream, as bytes. Parameters we do not interpret pass through
     * unchanged (a passthrough key we write ourselves is left out, so no key is written twice).
     */
    public static byte[] upstreamRequestBytes(ChatRequest r, String upstreamModel) {
        return upstreamRequestBytes(r, upstreamModel, null);
    }

    /**
     * As {@link #upstreamRequestBytes(ChatRequest, String)}, with the output limit under {@code limitParam} when the
     * deployment names one; else under the name the client used, or max_completion_tokens (OpenAI's current name) for a
     * request from another API family.
     */
    public static byte[] upstreamRequestBytes(ChatRequest r, String upstreamModel, TokenLimitParam limitParam) {
        TokenLimitParam name = limitParam != null ? limitParam
                : r.maxTokensParam() != null ? r.maxTokensParam() : TokenLimitParam.MAX_COMPLETION_TOKENS;
        return Json.write(g -> writeUpstreamRequest(g, r, upstreamModel, name));
    }

    public static ObjectNode upstreamRequest(ChatRequest r, String upstreamModel) {
        return (ObjectNode) Json.parseOrNull(upstreamRequestBytes(r, upstreamModel));
    }

    private static void writeUpstreamRequest(JsonGenerator g, ChatRequest r, String upstreamModel, TokenLimitParam limitParam)
            throws IOException {
        g.writeStartObject();
        for (var it = r.passthrough().fields(); it.hasNext(); ) {
            var e = it.next();
            if (writtenByUs(e.getKey(), r)) continue;
            g.writeFieldName(e.getKey());
            g.writeTree(e.getValue());
        }
        g.writeStringField("model", upstreamModel);
        g.writeArrayFieldStart("messages");
        for (ChatMessage m : r.messages()) writeMessage(g, m);
        g.writeEndArray();
        if (!r.tools().isEmpty()) {
            g.writeArrayFieldStart("tools");
            for (ToolSpec t : r.tools()) {
                g.writeStartObject();
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", t.name());
                if (t.description() != null) g.writeStringField("description", t.description());
                if (t.parameters() != null) {
                    g.writeFieldName("parameters");
                    g.writeTree(t.parameters());
                }
                if (t.strict() != null) g.writeBooleanField("strict", t.strict());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            switch (r.toolChoice()) {
                case ToolChoice.None n -> g.writeStringField("tool_choice", "none");
                case ToolChoice.Auto a -> g.writeStringField("tool_choice", "auto");
                case ToolChoice.Required q -> g.writeStringField("tool_choice", "required");
                case ToolChoice.Named n -> {
                    g.writeObjectFieldStart("tool_choice");
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", n.name());
                    g.writeEndObject();
                    g.writeEndObject();
                }
            }
            if (r.parallelToolCalls() != null) g.writeBooleanField("parallel_tool_calls", r.parallelToolCalls());
        }
        switch (r.responseFormat()) {
            case ResponseFormat.Text t -> { }
            case ResponseFormat.JsonObject j -> {
                g.writeObjectFieldStart("response_format");
                g.writeStringField("type", "json_object");
                g.writeEndObject();
            }
            case ResponseFormat.JsonSchema s -> {
                g.writeObjectFieldStart("response_format");
                g.writeStringField("type", "json_schema");
                g.writeObjectFieldStart("json_schema");
                g.writeStringField("name", s.name());
                if (s.description() != null) g.writeStringField("description", s.description());
                if (s.schema() != null) {
                    g.writeFieldName("schema");
                    g.writeTree(s.schema());
                }
                if (s.strict() != null) g.writeBooleanField("strict", s.strict());
                g.writeEndObject();
                g.writeEndObject();
            }
        }
        if (r.stream()) {
            g.writeBooleanField("stream", true);
            // always ask for usage: billing needs it even when the client did not
            g.writeObjectFieldStart("stream_options");
            g.writeBooleanField("include_usage", true);
            g.writeEndObject();
        }
        if (r.maxTokens() != null) g.writeNumberField(limitParam.wireName(), r.maxTokens());
        if (r.temperature() != null) g.writeNumberField("temperature", r.temperature());
        if (r.topP() != null) g.writeNumberField("top_p", r.topP());
        if (r.n() != 1) g.writeNumberField("n", r.n());
        if (!r.stop().isEmpty()) {
            g.writeArrayFieldStart("stop");
            for (String stop : r.stop()) g.writeString(stop);
            g.writeEndArray();
        }
        if (r.user() != null) g.writeStringField("user", r.user());
        g.writeEndObject();
    }

    private static boolean writtenByUs(String key, ChatRequest r) {
        return switch (key) {
            case "model", "messages" -> true;
            case "tools", "tool_choice" -> !r.tools().isEmpty();
            case "parallel_tool_calls" -> !r.tools().isEmpty() && r.parallelToolCalls() != null;
            case "response_format" -> !(r.responseFormat() instanceof ResponseFormat.Text);
            case "stream", "stream_options" -> r.stream();
            case "max_tokens", "max_completion_tokens" -> r.maxTokens() != null;
            case "temperature" -> r.temperature() != null;
            case "top_p" -> r.topP() != null;
            case "n" -> r.n() != 1;
            case "stop" -> !r.stop().isEmpty();
            case "user" -> r.user() != null;
            default -> false;
        };
    }

    public static ObjectNode message(ChatMessage m) {
        return (ObjectNode) Json.parseOrNull(Json.write(g -> writeMessage(g, m)));
    }

    private static void writeMessage(JsonGenerator g, ChatMessage m) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", m.role().wire());
        if (m.content() == null) {
            g.writeNullField("content");
        } else if (m.contentIsString() && m.content().size() == 1 && m.content().get(0) instanceof ContentPart.Text t) {
            g.writeStringField("content", t.text());
        } else {
            g.writeArrayFieldStart("content");
            for (ContentPart p : m.content()) {
                switch (p) {
                    case ContentPart.Text t -> {
                        g.writeStartObject();
                        g.writeStringField("type", "text");
                        g.writeStringField("text", t.text());
                        g.writeEndObject();
                    }
                    case ContentPart.Image i -> {
                        g.writeStartObject();
                        g.writeStringField("type", "image_url");
                        g.writeObjectFieldStart("image_url");
                        g.writeStringField("url", i.url());
                        if (i.detail() != null) g.writeStringField("detail", i.detail());
                        g.writeEndObject();
                        g.writeEndObject();
                    }
                    case ContentPart.Opaque op -> g.writeTree(op.raw());
                }
            }
            g.writeEndArray();
        }
        if (m.name() != null) g.writeStringField("name", m.name());
        if (!m.toolCalls().isEmpty()) {
            g.writeFieldName("tool_calls");
            writeToolCalls(g, m);
        }
        if (m.toolCallId() != null) g.writeStringField("tool_call_id", m.toolCallId());
        g.writeEndObject();
    }

    private static void writeToolCalls(JsonGenerator g, ChatMessage m) throws IOException {
        g.writeStartArray();
        for (ToolCall c : m.toolCalls()) {
            g.writeStartObject();
            g.writeStringField("id", c.id());
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", c.name());
            g.writeStringField("arguments", c.arguments());
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
