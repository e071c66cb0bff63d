package dev.tokengate.wire.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.core.Role;
import dev.tokengate.core.Usage;
import dev.tokengate.support.AnthropicFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamEventDecoderTest {
    private static List<ChatChunk> decode(StreamEventDecoder decoder, String fixture) {
        List<ChatChunk> out = new ArrayList<>();
        for (AnthropicFixtures.SseEvent e : AnthropicFixtures.sse(fixture)) out.addAll(decoder.onEvent(e.json()));
        return out;
    }

    @Test
    void textAndToolUseEventsBecomeChunksWithOpenAiSemantics() {
        StreamEventDecoder decoder = new StreamEventDecoder(1_700_000_000L);
        List<ChatChunk> chunks = decode(decoder, "stream-text-and-tool.sse");

        assertThat(decoder.finished()).isTrue();
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.id()).isEqualTo("msg_014p7gG3wDgGV9EUtLvnow3U");
            assertThat(c.model()).isEqualTo("claude-sonnet-4-5-20250929");
            assertThat(c.created()).isEqualTo(1_700_000_000L);
        });
        ChatChunk.Delta first = chunks.get(0).choices().get(0);
        assertThat(first.role()).isEqualTo(Role.ASSISTANT);
        assertThat(first.content()).isEmpty();

        StringBuilder text = new StringBuilder();
        StringBuilder args = new StringBuilder();
        List<ChatChunk.ToolCallDelta> calls = new ArrayList<>();
        for (ChatChunk c : chunks) {
            for (ChatChunk.Delta d : c.choices()) {
                if (d.content() != null) text.append(d.content());
                if (d.toolCalls() != null) d.toolCalls().forEach(t -> {
                    calls.add(t);
                    args.append(t.arguments());
                });
            }
        }
        assertThat(text.toString()).isEqualTo("Hello, let me look.");
        assertThat(calls).first().isEqualTo(new ChatChunk.ToolCallDelta(0, "toolu_01", "get_weather", ""));
        assertThat(calls.subList(1, calls.size())).allSatisfy(t -> {
            assertThat(t.index()).isZero();
            assertThat(t.id()).isNull();
            assertThat(t.name()).isNull();
            assertThat(t.arguments()).isNotEmpty();
        });
        assertThat(Json.parseOrNull(args.toString())).isEqualTo(Json.object().put("location", "San Francisco"));

        ChatChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().get(0).finishReason()).isEqualTo("tool_calls");
        ChatChunk usage = chunks.get(chunks.size() - 1);
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage()).isEqualTo(new Usage(35, 89, 10));
    }

    @Test
    void outputTokensOfMessageDeltaAreCumulativeNotSummed() {
        StreamEventDecoder decoder = new StreamEventDecoder(0);
        decoder.onEvent(Json.parseOrNull("{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"c\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}"));
        decoder.onEvent(Json.parseOrNull("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":null},\"usage\":{\"output_tokens\":10}}"));
        decoder.onEvent(Json.parseOrNull("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":15}}"));
        List<ChatChunk> end = decoder.onEvent(Json.parseOrNull("{\"type\":\"message_stop\"}"));
        assertThat(end.get(0).choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(end.get(1).usage()).isEqualTo(new Usage(5, 15, 0));
    }

    @Test
    void aStreamIsNotFinishedBeforeMessageStop() {
        StreamEventDecoder decoder = new StreamEventDecoder(0);
        for (AnthropicFixtures.SseEvent e : AnthropicFixtures.sse("stream-error.sse")) {
            if (!"error".equals(e.event())) decoder.onEvent(e.json());
        }
        assertThat(decoder.finished()).isFalse();
    }
}
