package dev.tokengate.wire.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.ContentPart;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Role;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.ToolChoice;
import dev.tokengate.support.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatRequestDecoderTest {
    private static ObjectNode fixture() {
        return (ObjectNode) Fixtures.json("openai/chat-request.json");
    }

    @Test
    void decodesEveryInterpretedFieldOfARecordedRequest() {
        ChatRequest r = ChatRequestDecoder.decode(fixture());

        assertThat(r.model()).isEqualTo("gpt-4o-mini");
        assertThat(r.messages()).extracting(ChatMessage::role)
                .containsExactly(Role.DEVELOPER, Role.USER, Role.ASSISTANT, Role.TOOL, Role.USER);
        assertThat(r.messages().get(1).content()).containsExactly(
                new ContentPart.Text("What is the weather like where this photo was taken?"),
                new ContentPart.Image("https://upload.example.org/boston.jpg", "low"));
        assertThat(r.messages().get(1).contentIsString()).isFalse();
        assertThat(r.messages().get(2).content()).isNull();
        assertThat(r.messages().get(2).toolCalls()).containsExactly(
                new ToolCall("call_abc123", "get_current_weather", "{\n\"location\": \"Boston, MA\"\n}"));
        assertThat(r.messages().get(3).toolCallId()).isEqualTo("call_abc123");
        assertThat(r.messages().get(4).name()).isEqualTo("alice");
        assertThat(r.tools()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("get_current_weather");
            assertThat(t.parameters().path("required").get(0).asText()).isEqualTo("location");
            assertThat(t.strict()).isFalse();
        });
        assertThat(r.toolChoice()).isInstanceOf(ToolChoice.Auto.class);
        assertThat(r.parallelToolCalls()).isFalse();
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isFalse();
        assertThat(r.maxTokens()).isEqualTo(256);
        assertThat(r.temperature()).isEqualTo(0.2);
        assertThat(r.topP()).isEqualTo(0.9);
        assertThat(r.stop()).containsExactly("\n\n");
        assertThat(r.user()).isEqualTo("user-1234");
    }

    @Test
    void keepsParametersItDoesNotInterpretForPassthrough() {
        ChatRequest r = ChatRequestDecoder.decode(fixture());

        assertThat(r.passthrough().properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactlyInAnyOrder("seed", "logit_bias", "frequency_penalty", "metadata", "reasoning_effort");
        assertThat(r.passthrough().path("logit_bias").path("50256").asInt()).isEqualTo(-100);
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokens() {
        ObjectNode body = fixture();
        body.put("max_completion_tokens", 100);

        assertThat(ChatRequestDecoder.decode(body).maxTokens()).isEqualTo(100);
    }

    @Test
    void streamOptionsWithoutStreamIsA400NamingTheField() {
        ObjectNode body = fixture();
        body.put("stream", false);

        assertThatThrownBy(() -> ChatRequestDecoder.decode(body)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_REQUEST);
            assertThat(e.param()).isEqualTo("stream_options");
        });
    }

    @Test
    void missingImageUrlIsA400NamingItsPath() {
        ObjectNode body = fixture();
        ((ObjectNode) body.path("messages").get(1).path("content").get(1).path("image_url")).remove("url");

        assertThatThrownBy(() -> ChatRequestDecoder.decode(body)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.param()).isEqualTo("messages[1].content[1].image_url.url"));
    }

    @Test
    void wrongTypeOfAPassthroughParameterIsStillA400() {
        ObjectNode body = fixture();
        body.put("logit_bias", "not a map");

        assertThatThrownBy(() -> ChatRequestDecoder.decode(body)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.param()).isEqualTo("logit_bias");
            assertThat(e.code()).isEqualTo("invalid_type");
        });
    }

    @Test
    void toolChoiceNamingAnUnknownToolIsA400() {
        ObjectNode body = fixture();
        body.putObject("tool_choice").put("type", "function").putObject("function").put("name", "get_stock_price");

        assertThatThrownBy(() -> ChatRequestDecoder.decode(body)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.param()).isEqualTo("tool_choice.function.name"));
    }

    @Test
    void assistantMessageMayCarryOnlyToolCalls() {
        List<ChatMessage> messages = ChatRequestDecoder.decode(fixture()).messages();

        assertThat(messages.get(2).text()).isEmpty();
        assertThat(messages.get(2).toolCalls()).hasSize(1);
    }
}
