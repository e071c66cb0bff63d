package dev.tokengate.wire.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import dev.tokengate.core.Role;
import dev.tokengate.core.TokenLimitParam;
import dev.tokengate.core.Usage;
import dev.tokengate.support.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatEncoderTest {
    private static final JsonNode CLIENT_REQUEST = Fixtures.json("openai/chat-request.json");

    /** The node as a client reads it off the wire (so numbers compare by value, not by Java type). */
    private static JsonNode onTheWire(JsonNode n) {
        return Json.parseOrNull(Json.text(n));
    }

    private static ChatRequest decoded() {
        return ChatRequestDecoder.decode(CLIENT_REQUEST);
    }

    @Test
    void upstreamRequestCarriesTheMessagesExactlyAsTheClientSentThem() {
        ObjectNode up = ChatEncoder.upstreamRequest(decoded(), "real-model");

        assertThat(up.path("messages")).isEqualTo(CLIENT_REQUEST.path("messages"));
        assertThat(up.path("tools")).isEqualTo(CLIENT_REQUEST.path("tools"));
    }

    @Test
    void upstreamRequestNamesTheUpstreamModelAndKeepsEveryOtherParameter() {
        ObjectNode up = ChatEncoder.upstreamRequest(decoded(), "real-model");

        assertThat(up.path("model").asText()).isEqualTo("real-model");
        for (String same : List.of("seed", "logit_bias", "frequency_penalty", "metadata", "reasoning_effort", "tool_choice",
                "parallel_tool_calls", "temperature", "top_p", "stop", "user")) {
            assertThat(up.path(same)).as(same).isEqualTo(CLIENT_REQUEST.path(same));
        }
        // the limit goes out under the name the client gave it (some OpenAI-compatible servers read only max_tokens)
        assertThat(up.path("max_tokens").asInt()).isEqualTo(256);
        assertThat(up.has("max_completion_tokens")).isFalse();
    }

    @Test
    void theDeploymentsNameForTheLimitWinsOverTheClients() {
        JsonNode up = Json.parseOrNull(ChatEncoder.upstreamRequestBytes(decoded(), "real-model", TokenLimitParam.MAX_COMPLETION_TOKENS));

        assertThat(up.path("max_completion_tokens").asInt()).isEqualTo(256);
        assertThat(up.has("max_tokens")).isFalse();
    }

    @Test
    void streamingUpstreamRequestAlwaysAsksForUsage() {
        assertThat(CLIENT_REQUEST.path("stream_options").path("include_usage").asBoolean()).isFalse();

        ObjectNode up = ChatEncoder.upstreamRequest(decoded().withStream(true, true), "real-model");

        assertThat(up.path("stream").asBoolean()).isTrue();
        assertThat(up.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void plainUpstreamRequestHasNoStreamKeys() {
        ObjectNode up = ChatEncoder.upstreamRequest(decoded().withStream(false, false), "real-model");

        assertThat(up.has("stream")).isFalse();
        assertThat(up.has("stream_options")).isFalse();
    }

    @Test
    void relayedTextCompletionHasEveryRequiredKey() {
        JsonNode recorded = Fixtures.json("openai/completion-text.json");

        JsonNode out = onTheWire(ChatEncoder.response(UpstreamDecoder.response(recorded)));

        for (String key : List.of("id", "object", "created", "model", "choices", "usage")) {
            assertThat(out.path(key)).as(key).isEqualTo(recorded.path(key));
        }
        JsonNode choice = out.path("choices").get(0);
        assertThat(choice.has("logprobs")).isTrue();
        assertThat(choice.path("message").has("refusal")).isTrue();
    }

    @Test
    void relayedToolCallCompletionKeepsANullContentKey() {
        JsonNode recorded = Fixtures.json("openai/completion-tool-call.json");

        ObjectNode out = ChatEncoder.response(UpstreamDecoder.response(recorded));

        JsonNode message = out.path("choices").get(0).path("message");
        assertThat(message.has("content")).isTrue();
        assertThat(message.path("content").isNull()).isTrue();
        assertThat(message.path("tool_calls")).isEqualTo(recorded.path("choices").get(0).path("message").path("tool_calls"));
        assertThat(out.path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(out.path("system_fingerprint").asText()).isEqualTo("fp_44709d6fcb");
    }

    @Test
    void relayedChunksMatchTheRecordedStream() {
        for (JsonNode recorded : Fixtures.sseChunks("openai/stream-tool-call.sse")) {
            JsonNode out = onTheWire(ChatEncoder.chunk(UpstreamDecoder.chunk(recorded), true));

            for (String key : List.of("id", "object", "created", "model")) assertThat(out.path(key)).isEqualTo(recorded.path(key));
            for (int i = 0; i < recorded.path("choices").size(); i++) {
                JsonNode want = recorded.path("choices").get(i);
                JsonNode got = out.path("choices").get(i);
                assertThat(got.path("finish_reason")).isEqualTo(want.path("finish_reason"));
                assertThat(got.path("delta").path("tool_calls")).isEqualTo(want.path("delta").path("tool_calls"));
            }
        }
    }

    @Test
    void everyChunkHasAUsageKeyOnlyWhenTheClientAskedForUsage() {
        ChatChunk content = new ChatChunk("c", 1, "m", List.of(new ChatChunk.Delta(0, Role.ASSISTANT, "Hi", null, null)), null, null);
        ChatChunk lastWithUsage = new ChatChunk("c", 1, "m", List.of(new ChatChunk.Delta(0, null, null, null, "stop")),
                new Usage(5, 1, 0), null);

        assertThat(ChatEncoder.chunk(content, true).path("usage").isNull()).isTrue();
        assertThat(ChatEncoder.chunk(lastWithUsage, true).path("usage").path("total_tokens").asInt()).isEqualTo(6);
        assertThat(ChatEncoder.chunk(content, false).has("usage")).isFalse();
        assertThat(ChatEncoder.chunk(lastWithUsage, false).has("usage")).isFalse();
    }

    @Test
    void errorHasAllFourKeys() {
        ObjectNode out = ChatEncoder.error(new ApiException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream timed out.", null, "upstream_timeout"));

        JsonNode e = out.path("error");
        assertThat(e.path("message").asText()).isEqualTo("Upstream timed out.");
        assertThat(e.path("type").asText()).isEqualTo("timeout_error");
        assertThat(e.has("param")).isTrue();
        assertThat(e.path("param").isNull()).isTrue();
        assertThat(e.path("code").asText()).isEqualTo("upstream_timeout");
    }
}
