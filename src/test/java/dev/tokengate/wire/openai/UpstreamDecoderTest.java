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

    /** Bodies of the usual shape and of every unusual one the tree decoder copes with. */
    private static final List<String> BODIES = List.of(
            "{\"id\":\"a\",\"object\":\"chat.completion\",\"created\":1763700000,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"message\":{\"role\":\"assistant\",\"content\":\"Hi\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
                    + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8,\"total_tokens\":20,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":4,\"audio_tokens\":0}},\"system_fingerprint\":\"fp\"}",
            "{\"choices\":[]}",
            "{\"choices\":[{\"message\":{}},{\"message\":{\"content\":null,\"refusal\":\"no\"},\"finish_reason\":null}]}",
            "{\"choices\":[{\"index\":3,\"message\":{\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                    + "\"arguments\":\"{}\"}},{\"function\":{}},{}]}}],\"usage\":null,\"system_fingerprint\":null}",
            "{\"choices\":[{\"message\":{\"tool_calls\":null,\"content\":\"x\"}}],\"usage\":{\"prompt_tokens_details\":null}}",
            "{\"id\":\"first\",\"id\":\"second\",\"choices\":[{\"message\":{\"content\":\"a\",\"content\":\"b\"}}]}",
            "{\"id\":7,\"created\":\"12\",\"model\":null,\"choices\":[{\"index\":\"2\",\"message\":{\"content\":[{\"type\":\"text\"}],"
                    + "\"refusal\":5},\"finish_reason\":1}],\"usage\":{\"prompt_tokens\":1.5,\"completion_tokens\":99999999999},"
                    + "\"system_fingerprint\":{}}",
            "{\"created\":123456789012345,\"choices\":[{\"message\":{\"tool_calls\":{\"a\":{\"id\":\"x\"}}}}],\"extra\":{\"choices\":1}}",
            "{\"choices\":[{\"message\":{\"content\":\"caf\u00e9 \\u2028 \\\"q\\\"\"}}]}");

    @Test
    void theBytesOfAnyBodyDecodeAsTheirTreeDoes() throws Exception {
        List<String> all = new java.util.ArrayList<>(BODIES);
        all.add(Fixtures.text("openai/completion-text.json"));
        all.add(Fixtures.text("openai/completion-tool-call.json"));
        for (String body : all) {
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(UpstreamDecoder.response(bytes)).as(body).isEqualTo(UpstreamDecoder.response(Json.MAPPER.readTree(bytes)));
        }
    }

    @Test
    void theUsualShapeIsReadWithoutATreeAndARepeatedKeyIsLeftToTheTree() {
        assertThat(PlainResponseReader.read(BODIES.get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8))).isNotNull();
        assertThat(PlainResponseReader.read(Fixtures.text("openai/completion-tool-call.json").getBytes(java.nio.charset.StandardCharsets.UTF_8))).isNotNull();
        assertThat(PlainResponseReader.read(BODIES.get(5).getBytes(java.nio.charset.StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void bytesThatAreNotAChatCompletionFailAsTheirTreeDoes() {
        for (String body : List.of("{\"id\":\"x\"}", "{\"choices\":{}}", "{\"choices\":[1]}", "{\"choices\":[{\"index\":0}]}", "[]", "")) {
            assertThatThrownBy(() -> UpstreamDecoder.response(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))).as(body)
                    .isInstanceOf(UpstreamDecoder.MalformedUpstreamException.class);
        }
        assertThatThrownBy(() -> UpstreamDecoder.response("{\"choices\":[]} x".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
        assertThatThrownBy(() -> UpstreamDecoder.response("{\"choices\":[".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
    }
}
