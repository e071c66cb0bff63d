package dev.tokengate.wire.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Choice;
import dev.tokengate.core.Usage;
import dev.tokengate.support.AnthropicFixtures;
import dev.tokengate.wire.openai.UpstreamDecoder;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageEncoderTest {
    @Test
    void chatCompletionWithAToolCallBecomesAnAnthropicMessage() {
        ChatResponse r = UpstreamDecoder.response(AnthropicFixtures.json("inbound-chat-response-tools.json"));
        assertThat(MessageEncoder.message(r)).isEqualTo(AnthropicFixtures.json("inbound-message-tools.json"));
    }

    @Test
    void finishReasonsBecomeStopReasons() {
        assertThat(message("stop").path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(message("length").path("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(message("tool_calls").path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(message("content_filter").path("stop_reason").asText()).isEqualTo("refusal");
    }

    @Test
    void textAnswersAreOneTextBlock() {
        ObjectNode m = message("stop");
        assertThat(m.path("content")).hasSize(1);
        assertThat(m.path("content").get(0).path("type").asText()).isEqualTo("text");
        assertThat(m.path("content").get(0).path("text").asText()).isEqualTo("Hello.");
        assertThat(m.path("id").asText()).isEqualTo("msg_abc");
    }

    private static ObjectNode message(String finish) {
        return MessageEncoder.message(new ChatResponse("chatcmpl-abc", 0, "m",
                List.of(new Choice(0, ChatMessage.assistant("Hello.", List.of()), finish)), new Usage(3, 2, 0), null));
    }
}
