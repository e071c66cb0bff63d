package dev.tokengate.wire.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.support.AnthropicFixtures;
import dev.tokengate.wire.openai.UpstreamDecoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamEventEncoderTest {
    @Test
    void chatChunksWithTextAndAToolCallBecomeAnthropicEventsInOrder() {
        StreamEventEncoder encoder = new StreamEventEncoder(80);
        List<StreamEventEncoder.Event> events = new ArrayList<>();
        for (AnthropicFixtures.SseEvent e : AnthropicFixtures.sse("inbound-chat-stream.sse")) {
            if (e.data().equals("[DONE]")) continue;
            ChatChunk chunk = UpstreamDecoder.chunk(e.json());
            events.addAll(encoder.onChunk(chunk));
        }
        events.addAll(encoder.finish());

        List<AnthropicFixtures.SseEvent> expected = AnthropicFixtures.sse("inbound-stream-expected.sse");
        assertThat(events).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            StreamEventEncoder.Event actual = events.get(i);
            assertThat(actual.name()).as("event %d", i).isEqualTo(expected.get(i).event());
            assertThat(actual.data().path("type").asText()).isEqualTo(actual.name());
            assertThat(actual.data()).as("event %d", i).isEqualTo(expected.get(i).json());
        }
    }

    @Test
    void anEmptyStreamStillStartsAndStops() {
        List<StreamEventEncoder.Event> events = new StreamEventEncoder(3).finish();
        assertThat(events).extracting(StreamEventEncoder.Event::name).containsExactly("message_start", "message_delta", "message_stop");
        assertThat(events.get(1).data().path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(events.get(1).data().path("usage").path("input_tokens").asInt()).isEqualTo(3);
        assertThat(Json.text(events.get(0).data())).contains("\"type\":\"message_start\"");
    }
}
