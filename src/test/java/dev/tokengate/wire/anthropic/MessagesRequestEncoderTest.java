package dev.tokengate.wire.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.Json;
import dev.tokengate.support.AnthropicFixtures;
import dev.tokengate.wire.openai.ChatRequestDecoder;
import org.junit.jupiter.api.Test;

class MessagesRequestEncoderTest {
    private static ChatRequest chat(String json) {
        return ChatRequestDecoder.decode(Json.parseOrNull(json));
    }

    private static ObjectNode encode(String chatJson) {
        return MessagesRequestEncoder.upstreamRequest(chat(chatJson), "claude-x");
    }

    @Test
    void chatRequestWithSystemImagesToolsAndStopsBecomesTheMessagesRequest() {
        ChatRequest request = ChatRequestDecoder.decode(AnthropicFixtures.json("chat-request-full.json"));
        JsonNode actual = MessagesRequestEncoder.upstreamRequest(request, "claude-3-5-sonnet-latest");
        assertThat(actual).isEqualTo(AnthropicFixtures.json("messages-request-full.json"));
    }

    @Test
    void maxTokensDefaultsTo4096WhenTheClientSetsNone() {
        ObjectNode o = encode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(o.path("max_tokens").asInt()).isEqualTo(4096);
        assertThat(o.has("system")).isFalse();
        assertThat(o.has("tools")).isFalse();
        assertThat(o.has("stream")).isFalse();
    }

    @Test
    void aSingleSystemMessageIsSentAsAPlainString() {
        ObjectNode o = encode("{\"model\":\"m\",\"max_tokens\":10,\"messages\":[{\"role\":\"system\",\"content\":\"Be terse.\"},"
                + "{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(o.path("system").asText()).isEqualTo("Be terse.");
        assertThat(o.path("max_tokens").asInt()).isEqualTo(10);
        assertThat(o.path("messages")).hasSize(1);
    }

    @Test
    void toolChoicesMapToAutoToolAndNone() {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";
        String msgs = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertThat(encode("{\"model\":\"m\"," + msgs + "," + tools + "}").path("tool_choice"))
                .isEqualTo(Json.object().put("type", "auto"));
        assertThat(encode("{\"model\":\"m\"," + msgs + "," + tools + ",\"tool_choice\":\"none\"}").path("tool_choice"))
                .isEqualTo(Json.object().put("type", "none"));
        assertThat(encode("{\"model\":\"m\"," + msgs + "," + tools
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}}").path("tool_choice"))
                .isEqualTo(Json.object().put("type", "tool").put("name", "f"));
    }

    @Test
    void jsonSchemaResponseFormatBecomesOutputConfigFormat() {
        ObjectNode o = encode("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"response_format\":"
                + "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"r\",\"schema\":{\"type\":\"object\"}}}}");
        assertThat(o.path("output_config").path("format").path("type").asText()).isEqualTo("json_schema");
        assertThat(o.path("output_config").path("format").path("schema")).isEqualTo(Json.object().put("type", "object"));
    }

    @Test
    void streamingRequestsAskForAStream() {
        ChatRequest r = chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").withStream(true, true);
        assertThat(MessagesRequestEncoder.upstreamRequest(r, "claude-x").path("stream").asBoolean()).isTrue();
    }

    @Test
    void moreThanOneChoiceIsAClientErrorNamingN() {
        assertThatThrownBy(() -> encode("{\"model\":\"m\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.kind().status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("n");
                });
    }

    @Test
    void anImageDataUriOfAnUnsupportedTypeIsAClientErrorNamingThePart() {
        String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
                + "\"image_url\":{\"url\":\"data:image/tiff;base64,AAAA\"}}]}]}";
        assertThatThrownBy(() -> encode(body)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.kind().status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo("messages[0].content[0].image_url.url");
        });
    }
}
