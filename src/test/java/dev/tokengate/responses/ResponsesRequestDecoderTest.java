package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.Json;
import dev.tokengate.core.ResponseFormat;
import dev.tokengate.core.Role;
import dev.tokengate.core.ToolChoice;
import dev.tokengate.wire.openai.ChatEncoder;
import dev.tokengate.wire.openai.ResponseSettings;
import dev.tokengate.wire.openai.ResponsesRequest;
import dev.tokengate.wire.openai.ResponsesRequestDecoder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CreateResponse JSON to the canonical chat request, the normalized input items and the settings a Response echoes. */
class ResponsesRequestDecoderTest {

    private static ResponsesRequest decode(String json) {
        return ResponsesRequestDecoder.decode(Json.parseOrNull(json), ResponseFixtures.countingIds());
    }

    @Test
    void fullRequestBecomesTheChatRequestAnUpstreamReceives() {
        ResponsesRequest r = ResponsesRequestDecoder.decode(ResponseFixtures.json("create-request-full.json"), ResponseFixtures.countingIds());

        ResponseFixtures.assertMatches("create-request-full.chat.json", ChatEncoder.upstreamRequest(r.chat(), "gpt-4o"));
    }

    @Test
    void fullRequestKeepsItsItemsNormalizedWithIds() {
        ResponsesRequest r = ResponsesRequestDecoder.decode(ResponseFixtures.json("create-request-full.json"), ResponseFixtures.countingIds());

        ArrayNode items = Json.array();
        r.inputItems().forEach(items::add);
        ResponseFixtures.assertMatches("create-request-full.items.json", items);
    }

    @Test
    void fullRequestSettingsAreKeptForTheEcho() {
        ResponseSettings s = ResponsesRequestDecoder.decode(ResponseFixtures.json("create-request-full.json"),
                ResponseFixtures.countingIds()).settings();

        assertThat(s.model()).isEqualTo("gpt-4o");
        assertThat(s.instructions()).isEqualTo("You are a weather assistant. Answer in JSON.");
        assertThat(s.maxOutputTokens()).isEqualTo(256);
        assertThat(s.parallelToolCalls()).isFalse();
        assertThat(s.store()).isFalse();
        assertThat(s.temperature()).isEqualTo(0.2);
        assertThat(s.topP()).isEqualTo(0.9);
        assertThat(s.user()).isEqualTo("user-1234");
        assertThat(s.truncation()).isEqualTo("disabled");
        assertThat(Json.text(s.metadata())).isEqualTo("{\"session\":\"s-42\"}");
        assertThat(Json.text(s.reasoning())).isEqualTo("{\"effort\":\"low\",\"summary\":null}");
        assertThat(s.toolChoice().asText()).isEqualTo("auto");
        JsonNode format = s.text().path("format");
        assertThat(format.path("type").asText()).isEqualTo("json_schema");
        assertThat(format.path("name").asText()).isEqualTo("weather_report");
        assertThat(format.has("json_schema")).isFalse();
        assertThat(s.text().path("verbosity").asText()).isEqualTo("low");
        JsonNode tool = s.tools().path(0);
        assertThat(tool.path("name").asText()).isEqualTo("get_weather");
        assertThat(tool.has("function")).isFalse();
        assertThat(tool.path("strict").asBoolean()).isTrue();
    }

    @Test
    void stringInputIsOneUserMessageAndDefaultsAreFilledIn() {
        ResponsesRequest r = decode("{\"model\":\"gpt-4.1-mini\",\"input\":\"Return a JSON contact form field definition.\"}");

        assertThat(r.chat().messages()).containsExactly(ChatMessage.text(Role.USER, "Return a JSON contact form field definition."));
        assertThat(r.chat().n()).isEqualTo(1);
        assertThat(r.chat().toolChoice()).isEqualTo(new ToolChoice.None());
        assertThat(r.chat().responseFormat()).isEqualTo(new ResponseFormat.Text());
        assertThat(r.chat().stream()).isFalse();
        assertThat(r.chat().maxTokens()).isNull();
        assertThat(r.chat().passthrough()).isEmpty();
        assertThat(Json.text(r.inputItems().get(0))).isEqualTo("{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"user\","
                + "\"status\":\"completed\",\"content\":[{\"type\":\"input_text\",\"text\":\"Return a JSON contact form field definition.\"}]}");
        ResponseSettings s = r.settings();
        assertThat(s.store()).isTrue();
        assertThat(s.parallelToolCalls()).isTrue();
        assertThat(s.temperature()).isEqualTo(1.0);
        assertThat(s.topP()).isEqualTo(1.0);
        assertThat(s.toolChoice().asText()).isEqualTo("auto");
        assertThat(Json.text(s.text())).isEqualTo("{\"format\":{\"type\":\"text\"}}");
        assertThat(s.tools()).isEmpty();
        assertThat(s.metadata()).isEmpty();
        assertThat(s.previousResponseId()).isNull();
    }

    @Test
    void instructionsComeFirstAsASystemMessage() {
        ResponsesRequest r = decode("{\"model\":\"m\",\"instructions\":\"Be brief.\",\"input\":\"Hi\"}");

        assertThat(r.chat().messages()).extracting(ChatMessage::role).containsExactly(Role.SYSTEM, Role.USER);
        assertThat(r.chat().messages().get(0).text()).isEqualTo("Be brief.");
        assertThat(r.inputItems()).hasSize(1);
    }

    @Test
    void streamingAsksForUsageSoTheCompletedEventCanCarryIt() {
        ResponsesRequest r = decode("{\"model\":\"m\",\"input\":\"Hi\",\"stream\":true}");

        assertThat(r.chat().stream()).isTrue();
        assertThat(r.chat().includeUsage()).isTrue();
    }

    @Test
    void continuingPutsTheHistoryBetweenTheNewInstructionsAndTheNewInput() {
        ResponsesRequest r = decode("{\"model\":\"m\",\"instructions\":\"New rules.\",\"input\":\"Second question\"}");
        ObjectNode earlierQuestion = (ObjectNode) Json.parseOrNull("{\"type\":\"message\",\"id\":\"msg_a\",\"role\":\"user\","
                + "\"status\":\"completed\",\"content\":[{\"type\":\"input_text\",\"text\":\"First question\"}]}");
        ObjectNode earlierAnswer = (ObjectNode) Json.parseOrNull("{\"id\":\"msg_b\",\"type\":\"message\",\"status\":\"completed\","
                + "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"First answer\",\"annotations\":[],\"logprobs\":[]}]}");

        ResponsesRequest continued = r.after(List.of(earlierQuestion, earlierAnswer));

        assertThat(continued.chat().messages()).extracting(ChatMessage::role)
                .containsExactly(Role.SYSTEM, Role.USER, Role.ASSISTANT, Role.USER);
        assertThat(continued.chat().messages()).extracting(ChatMessage::text)
                .containsExactly("New rules.", "First question", "First answer", "Second question");
        assertThat(continued.inputItems()).extracting(i -> i.path("id").asText()).containsExactly("msg_a", "msg_b", "msg_1");
    }

    @Test
    void mistakesNameTheFieldByItsPath() {
        assertThatThrownBy(() -> decode("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":1}]}]}"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.param()).isEqualTo("input[0].content[0].text");
                    assertThat(e.code()).isEqualTo("invalid_type");
                    assertThat(e.getMessage()).contains("input[0].content[0].text");
                });
        assertThatThrownBy(() -> decode("{\"model\":\"m\",\"input\":\"x\",\"max_output_tokens\":15}"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.param()).isEqualTo("max_output_tokens"));
    }
}
