package dev.tokengate.wire.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Json;
import dev.tokengate.core.Role;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.Usage;
import dev.tokengate.support.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamDecoderTest {
    @Test
    void decodesARecordedTextCompletion() {
        ChatResponse r = UpstreamDecoder.response(Fixtures.json("openai/completion-text.json"));

        assertThat(r.id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
        assertThat(r.created()).isEqualTo(1741569952L);
        assertThat(r.model()).isEqualTo("gpt-5.4");
        assertThat(r.firstText()).isEqualTo("Hello! How can I assist you today?");
        assertThat(r.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(r.usage()).isEqualTo(new Usage(19, 10, 0));
        assertThat(r.systemFingerprint()).isNull();
    }

    @Test
    void decodesARecordedToolCallCompletion() {
        ChatResponse r = UpstreamDecoder.response(Fixtures.json("openai/completion-tool-call.json"));

        assertThat(r.choices().get(0).message().content()).isNull();
        assertThat(r.choices().get(0).message().toolCalls())
                .containsExactly(new ToolCall("call_abc123", "get_current_weather", "{\n\"location\": \"Boston, MA\"\n}"));
        assertThat(r.choices().get(0).finishReason()).isEqualTo("tool_calls");
        assertThat(r.usage()).isEqualTo(new Usage(82, 17, 64));
        assertThat(r.systemFingerprint()).isEqualTo("fp_44709d6fcb");
    }

    @Test
    void decodesARecordedTextStream() {
        List<ChatChunk> chunks = Fixtures.sseChunks("openai/stream-text.sse").stream().map(UpstreamDecoder::chunk).toList();

        assertThat(chunks).hasSize(5);
        assertThat(chunks.get(0).choices().get(0).role()).isEqualTo(Role.ASSISTANT);
        assertThat(chunks.subList(0, 3)).extracting(c -> c.choices().get(0).content()).containsExactly("", "Hello", " there!");
        assertThat(chunks.subList(0, 4)).allMatch(c -> c.usage() == null);
        assertThat(chunks.get(3).choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(chunks.get(4).choices()).isEmpty();
        assertThat(chunks.get(4).usage()).isEqualTo(new Usage(9, 3, 0));
    }

    @Test
    void decodesRecordedToolCallFragments() {
        List<ChatChunk> chunks = Fixtures.sseChunks("openai/stream-tool-call.sse").stream().map(UpstreamDecoder::chunk).toList();

        assertThat(chunks.get(0).choices().get(0).toolCalls()).containsExactly(new ChatChunk.ToolCallDelta(0, "call_abc", "get_weather", ""));
        assertThat(chunks.get(1).choices().get(0).toolCalls()).containsExactly(new ChatChunk.ToolCallDelta(0, null, null, "{\"location\":"));
        assertThat(chunks.get(3).choices().get(0).finishReason()).isEqualTo("tool_calls");
        assertThat(chunks.get(4).usage()).isEqualTo(new Usage(82, 17, 0));
    }

    @Test
    void responseWithoutChoicesIsMalformed() {
        assertThatThrownBy(() -> UpstreamDecoder.response(Json.parseOrNull("{\"id\":\"x\",\"object\":\"chat.completion\"}")))
                .isInstanceOf(UpstreamDecoder.MalformedUpstreamException.class).hasMessageContaining("choices");
    }

    @Test
    void choiceWithoutMessageIsMalformed() {
        JsonNode body = Json.parseOrNull("{\"choices\":[{\"index\":0,\"finish_reason\":\"stop\"}]}");

        assertThatThrownBy(() -> UpstreamDecoder.response(body)).isInstanceOf(UpstreamDecoder.MalformedUpstreamException.class);
    }

    @Test
    void streamEventThatIsNotAnObjectIsMalformed() {
        assertThatThrownBy(() -> UpstreamDecoder.chunk(Json.parseOrNull("[1,2]")))
                .isInstanceOf(UpstreamDecoder.MalformedUpstreamException.class);
    }

    @Test
    void sparseServersMissingOptionalKeysAreAccepted() {
        // llama.cpp and Ollama omit logprobs, refusal, service_tier and sometimes system_fingerprint
        ChatResponse r = UpstreamDecoder.response(Json.parseOrNull(
                "{\"id\":\"x\",\"created\":1,\"model\":\"llama\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}"));

        assertThat(r.firstText()).isEqualTo("ok");
        assertThat(r.usage()).isNull();
    }
}
