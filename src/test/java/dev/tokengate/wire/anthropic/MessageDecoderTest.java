package dev.tokengate.wire.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Choice;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.Usage;
import dev.tokengate.support.AnthropicFixtures;
import org.junit.jupiter.api.Test;

class MessageDecoderTest {
    @Test
    void textAndToolUseBlocksBecomeTextAndAToolCallFinishingWithToolCalls() {
        ChatResponse r = MessageDecoder.response(AnthropicFixtures.json("message-tool-use.json"), 1_700_000_000L);
        Choice c = r.choices().get(0);
        assertThat(r.id()).isEqualTo("msg_013Zva2CMHLNnXjNJJKqJ2EF");
        assertThat(r.created()).isEqualTo(1_700_000_000L);
        assertThat(r.model()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(c.message().text()).isEqualTo("Hi! My name is Claude.");
        assertThat(c.message().toolCalls()).containsExactly(new ToolCall("toolu_01A", "get_weather", "{\"location\":\"SF\"}"));
        assertThat(c.finishReason()).isEqualTo("tool_calls");
        assertThat(r.usage()).isEqualTo(new Usage(2095, 503, 0));
    }

    @Test
    void maxTokensIsLengthAndCacheReadsCountAsCachedPromptTokens() {
        ChatResponse r = MessageDecoder.response(AnthropicFixtures.json("message-max-tokens-cached.json"), 0);
        Choice c = r.choices().get(0);
        assertThat(c.message().text()).isEqualTo("Once upon a time, in a land far away");
        assertThat(c.message().toolCalls()).isEmpty();
        assertThat(c.finishReason()).isEqualTo("length");
        // input 12 + cache writes 100 + cache reads 1800
        assertThat(r.usage()).isEqualTo(new Usage(1912, 20, 1800));
    }

    @Test
    void stopSequenceIsStop() {
        ChatResponse r = MessageDecoder.response(AnthropicFixtures.json("message-stop-sequence.json"), 0);
        assertThat(r.choices().get(0).finishReason()).isEqualTo("stop");
        assertThat(r.usage()).isEqualTo(new Usage(15, 7, 0));
    }

    @Test
    void stopReasonsMapToFinishReasons() {
        assertThat(StopReasons.toFinishReason("end_turn")).isEqualTo("stop");
        assertThat(StopReasons.toFinishReason("stop_sequence")).isEqualTo("stop");
        assertThat(StopReasons.toFinishReason("max_tokens")).isEqualTo("length");
        assertThat(StopReasons.toFinishReason("tool_use")).isEqualTo("tool_calls");
        assertThat(StopReasons.toFinishReason("refusal")).isEqualTo("content_filter");
    }
}
