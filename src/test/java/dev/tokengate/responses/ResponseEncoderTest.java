package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Json;
import dev.tokengate.wire.openai.ResponseEncoder;
import dev.tokengate.wire.openai.ResponseIds;
import dev.tokengate.wire.openai.ResponseSettings;
import dev.tokengate.wire.openai.ResponsesRequestDecoder;
import dev.tokengate.wire.openai.UpstreamDecoder;
import org.junit.jupiter.api.Test;

/** A chat completion from an upstream, written as a Responses API Response object. */
class ResponseEncoderTest {
    private static final long CREATED = 1_741_476_542L;
    private static final long COMPLETED = 1_741_476_543L;

    private static ObjectNode encode(String requestJson, String chatFixture) {
        ResponseIds ids = ResponseFixtures.countingIds();
        ResponseSettings settings = ResponsesRequestDecoder.decode(Json.parseOrNull(requestJson), ids).settings();
        ChatResponse chat = UpstreamDecoder.response(ResponseFixtures.json(chatFixture));
        return ResponseEncoder.response(settings, ResponseEncoder.finished(chat, "resp_67ccd2bed1ec8190", CREATED, COMPLETED, ids));
    }

    @Test
    void textCompletionBecomesACompletedResponseWithOneMessage() {
        ObjectNode r = encode("{\"model\":\"gpt-4o\",\"input\":\"Tell me a three sentence bedtime story about a unicorn.\"}",
                "chat-completion-text.json");

        ResponseFixtures.assertMatches("response-text.json", r);
    }

    @Test
    void toolCallsBecomeFunctionCallItemsAndToolsAreEchoedFlat() {
        ObjectNode r = encode("""
                {"model":"gpt-4o-mini","input":"Weather in Boston and Paris?","tool_choice":"required","parallel_tool_calls":true,
                 "tools":[{"type":"function","name":"get_current_weather","parameters":{"type":"object",
                           "properties":{"location":{"type":"string"}},"required":["location"]}}]}""", "chat-completion-tool-calls.json");

        ResponseFixtures.assertMatches("response-tool-calls.json", r);
    }

    @Test
    void lengthFinishMakesAnIncompleteResponse() {
        ObjectNode r = encode("{\"model\":\"gpt-4o\",\"input\":\"Tell me a long story.\",\"max_output_tokens\":16}",
                "chat-completion-length.json");

        assertThat(r.path("status").asText()).isEqualTo("incomplete");
        assertThat(Json.text(r.path("incomplete_details"))).isEqualTo("{\"reason\":\"max_output_tokens\"}");
        assertThat(r.path("completed_at").isNull()).isTrue();
        assertThat(r.path("max_output_tokens").asInt()).isEqualTo(16);
        JsonNode message = r.path("output").path(0);
        assertThat(message.path("status").asText()).isEqualTo("incomplete");
        assertThat(message.path("content").path(0).path("text").asText()).isEqualTo("Once upon a time, in a land far");
    }

    @Test
    void deletionAndItemListBodies() {
        assertThat(Json.text(ResponseEncoder.deleted("resp_1"))).isEqualTo("{\"id\":\"resp_1\",\"object\":\"response\",\"deleted\":true}");
        assertThat(Json.text(ResponseEncoder.itemList(java.util.List.of(), false)))
                .isEqualTo("{\"object\":\"list\",\"data\":[],\"first_id\":null,\"last_id\":null,\"has_more\":false}");
    }
}
