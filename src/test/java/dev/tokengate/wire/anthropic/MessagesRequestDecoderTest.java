package dev.tokengate.wire.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.Json;
import dev.tokengate.core.ToolChoice;
import dev.tokengate.support.AnthropicFixtures;
import dev.tokengate.wire.openai.ChatEncoder;
import org.junit.jupiter.api.Test;

class MessagesRequestDecoderTest {
    private static ChatRequest decode(String json) {
        return MessagesRequestDecoder.decode(Json.parseOrNull(json));
    }

    private static void rejects(String json, String field) {
        assertThatThrownBy(() -> decode(json)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.kind().status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo(field);
            assertThat(e.getMessage()).startsWith(field + ": ");
        });
    }

    @Test
    void anthropicRequestWithSystemImagesToolUseAndToolResultsBecomesTheChatRequest() {
        ChatRequest request = MessagesRequestDecoder.decode(AnthropicFixtures.json("inbound-messages-request.json"));
        assertThat(ChatEncoder.upstreamRequest(request, "gpt-4o")).isEqualTo(AnthropicFixtures.json("inbound-as-chat-request.json"));
    }

    @Test
    void withoutToolChoiceToolsMeanAutoAndNoToolsMeanNone() {
        String tools = ",\"tools\":[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}]";
        String base = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertThat(decode(base + tools + "}").toolChoice()).isEqualTo(new ToolChoice.Auto());
        assertThat(decode(base + "}").toolChoice()).isEqualTo(new ToolChoice.None());
        assertThat(decode(base + tools + ",\"tool_choice\":{\"type\":\"any\"}}").toolChoice()).isEqualTo(new ToolChoice.Required());
        assertThat(decode(base + tools + ",\"tool_choice\":{\"type\":\"tool\",\"name\":\"f\"}}").toolChoice())
                .isEqualTo(new ToolChoice.Named("f"));
        assertThat(decode(base + tools + ",\"tool_choice\":{\"type\":\"none\"}}").toolChoice()).isEqualTo(new ToolChoice.None());
    }

    @Test
    void aPlainRequestIsNotStreamedAndKeepsMaxTokens() {
        ChatRequest r = decode("{\"model\":\"m\",\"max_tokens\":5,\"system\":\"Be brief.\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(r.stream()).isFalse();
        assertThat(r.maxTokens()).isEqualTo(5);
        assertThat(r.messages()).hasSize(2);
        assertThat(r.messages().get(0).text()).isEqualTo("Be brief.");
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        rejects("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "max_tokens");
        rejects("{\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model");
        rejects("{\"model\":\"m\",\"max_tokens\":5}", "messages");
        rejects("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\"}]}", "messages.0.content");
    }

    @Test
    void wrongValuesAreNamedByTheirPath() {
        String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        rejects("{\"model\":\"m\",\"max_tokens\":0," + msgs + "}", "max_tokens");
        rejects("{\"model\":\"m\",\"max_tokens\":\"5\"," + msgs + "}", "max_tokens");
        rejects("{\"model\":\"m\",\"max_tokens\":5,\"temperature\":1.5," + msgs + "}", "temperature");
        rejects("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}", "messages.0.role");
        rejects("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"audio\"}]}]}",
                "messages.0.content.0.type");
        rejects("{\"model\":\"m\",\"max_tokens\":5," + msgs + ",\"tools\":[{\"name\":\"f\",\"input_schema\":{}}],"
                + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"g\"}}", "tool_choice.name");
        rejects("{\"model\":\"m\",\"max_tokens\":5," + msgs + ",\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}",
                "tools.0.type");
        rejects("{\"model\":\"m\",\"max_tokens\":5," + msgs + ",\"tools\":[{\"name\":\"f\"}]}", "tools.0.input_schema");
    }
}
