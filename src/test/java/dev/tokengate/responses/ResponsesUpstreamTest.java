package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Responses API served from an OpenAI-compatible chat upstream: what the upstream receives (conversation order,
 * tools, formats), and how upstream failures reach the client before and after the first event.
 */
class ResponsesUpstreamTest {
    private static RecordingUpstream upstream;
    private static TestGateway gw;
    private static String key;

    @BeforeAll
    static void start() {
        upstream = RecordingUpstream.start();
        gw = TestGateway.start(upstream.config(), Map.of(), Map.of());
        key = gw.createUserKey("upstream-user", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    private JsonNode create(String body) {
        TestGateway.Resp r = gw.post("/v1/responses", key, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static List<String> roles(JsonNode chatRequest) {
        return chatRequest.path("messages").findValuesAsText("role");
    }

    @Test
    void plainResponseIsBuiltFromTheUpstreamsChatCompletion() {
        JsonNode r = create("{\"model\":\"" + RecordingUpstream.ANSWERS + "\",\"input\":\"hello upstream\"}");

        assertThat(r.path("output").path(0).path("content").path(0).path("text").asText()).isEqualTo(RecordingUpstream.TEXT);
        assertThat(r.path("usage").path("input_tokens").asInt()).isEqualTo(12);
        assertThat(r.path("usage").path("output_tokens").asInt()).isEqualTo(3);
        assertThat(r.path("model").asText()).isEqualTo(RecordingUpstream.ANSWERS);
    }

    @Test
    void previousResponseIdSendsTheEarlierTurnsButOnlyTheNewInstructions() {
        JsonNode first = create("{\"model\":\"" + RecordingUpstream.ANSWERS + "\",\"instructions\":\"Be brief.\",\"input\":\"My name is Ada.\"}");
        JsonNode second = create("{\"model\":\"" + RecordingUpstream.ANSWERS + "\",\"instructions\":\"Be kind.\",\"input\":\"What is my name?\","
                + "\"previous_response_id\":\"" + first.path("id").asText() + "\"}");
        create("{\"model\":\"" + RecordingUpstream.ANSWERS + "\",\"input\":\"And again?\",\"previous_response_id\":\""
                + second.path("id").asText() + "\"}");

        JsonNode third = upstream.last();
        assertThat(roles(third)).containsExactly("user", "assistant", "user", "assistant", "user");
        assertThat(third.path("messages").findValuesAsText("content"))
                .containsExactly("My name is Ada.", RecordingUpstream.TEXT, "What is my name?", RecordingUpstream.TEXT, "And again?");
        JsonNode secondSent = upstream.received().get(upstream.received().size() - 2);
        assertThat(roles(secondSent)).containsExactly("system", "user", "assistant", "user");
        assertThat(secondSent.path("messages").path(0).path("content").asText()).isEqualTo("Be kind.");
        assertThat(second.path("previous_response_id").asText()).isEqualTo(first.path("id").asText());
    }

    @Test
    void inputItemsOfAChainedResponseListTheWholeConversationNewestFirst() {
        JsonNode first = create("{\"model\":\"" + RecordingUpstream.ANSWERS + "\",\"input\":\"one\"}");
        JsonNode second = create("{\"model\":\"" + RecordingUpstream.ANSWERS + "\",\"input\":\"two\",\"previous_response_id\":\""
                + first.path("id").asText() + "\"}");

        JsonNode list = gw.get("/v1/responses/" + second.path("id").asText() + "/input_items", key).json();

        assertThat(list.path("object").asText()).isEqualTo("list");
        JsonNode data = list.path("data");
        assertThat(data).hasSize(3);
        assertThat(data.path(0).path("content").path(0).path("text").asText()).isEqualTo("two");
        assertThat(data.path(1).path("id").asText()).isEqualTo(first.path("output").path(0).path("id").asText());
        assertThat(data.path(1).path("role").asText()).isEqualTo("assistant");
        assertThat(data.path(2).path("content").path(0).path("text").asText()).isEqualTo("one");
        assertThat(list.path("first_id").asText()).isEqualTo(data.path(0).path("id").asText());
        assertThat(list.path("last_id").asText()).isEqualTo(data.path(2).path("id").asText());
        assertThat(list.path("has_more").asBoolean()).isFalse();
    }

    @Test
    void inputItemsPageWithLimitOrderAndAfter() {
        JsonNode first = create("{\"model\":\"" + RecordingUpstream.ANSWERS + "\",\"input\":[" 
                + "{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"},{\"role\":\"user\",\"content\":\"c\"}]}");
        String path = "/v1/responses/" + first.path("id").asText() + "/input_items";

        JsonNode page1 = gw.get(path + "?order=asc&limit=2", key).json();
        JsonNode page2 = gw.get(path + "?order=asc&limit=2&after=" + page1.path("last_id").asText(), key).json();

        assertThat(page1.path("data").findValuesAsText("role")).containsExactly("user", "assistant");
        assertThat(page1.path("has_more").asBoolean()).isTrue();
        assertThat(page2.path("data")).hasSize(1);
        assertThat(page2.path("data").path(0).path("content").path(0).path("text").asText()).isEqualTo("c");
        assertThat(page2.path("has_more").asBoolean()).isFalse();
        assertThat(gw.get(path + "?limit=0", key).status()).isEqualTo(400);
        assertThat(gw.get(path + "?order=sideways", key).json().path("error").path("param").asText()).isEqualTo("order");
    }

    @Test
    void functionCallItemsAndOutputsReachTheUpstreamAsToolCallsAndToolMessages() {
        create("""
                {"model":"upstream-ok","instructions":"Use tools.","max_output_tokens":64,"temperature":0.5,"top_p":0.9,
                 "parallel_tool_calls":false,"user":"end-user-1","tool_choice":{"type":"function","name":"get_weather"},
                 "tools":[{"type":"function","name":"get_weather","description":"Weather now",
                           "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":true}],
                 "input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"Weather in Oslo?"},
                                                                     {"type":"input_image","image_url":"https://example.com/oslo.png"}]},
                          {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"},
                          {"type":"function_call","call_id":"call_2","name":"get_weather","arguments":"{\\"city\\":\\"Bergen\\"}"},
                          {"type":"function_call_output","call_id":"call_1","output":"-3 C"},
                          {"type":"function_call_output","call_id":"call_2","output":[{"type":"input_text","text":"2 C"}]}]}""");

        JsonNode sent = upstream.last();
        assertThat(roles(sent)).containsExactly("system", "user", "assistant", "tool", "tool");
        JsonNode user = sent.path("messages").path(1);
        assertThat(user.path("content").path(0).path("type").asText()).isEqualTo("text");
        assertThat(user.path("content").path(1).path("image_url").path("url").asText()).isEqualTo("https://example.com/oslo.png");
        JsonNode assistant = sent.path("messages").path(2);
        assertThat(assistant.path("content").isNull()).isTrue();
        assertThat(assistant.path("tool_calls").findValuesAsText("id")).containsExactly("call_1", "call_2");
        assertThat(assistant.path("tool_calls").path(1).path("function").path("arguments").asText()).isEqualTo("{\"city\":\"Bergen\"}");
        assertThat(sent.path("messages").path(3).path("tool_call_id").asText()).isEqualTo("call_1");
        assertThat(sent.path("messages").path(4).path("content").asText()).isEqualTo("2 C");
        assertThat(sent.path("tools").path(0).path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(sent.path("tools").path(0).path("function").path("strict").asBoolean()).isTrue();
        assertThat(sent.path("tool_choice").path("function").path("name").asText()).isEqualTo("get_weather");
        assertThat(sent.path("parallel_tool_calls").asBoolean()).isFalse();
        assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(64);
        assertThat(sent.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(sent.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(sent.path("user").asText()).isEqualTo("end-user-1");
        assertThat(sent.has("input")).isFalse();
        assertThat(sent.has("instructions")).isFalse();
    }

    @Test
    void flatJsonSchemaFormatReachesTheUpstreamAsChatResponseFormat() {
        create("""
                {"model":"upstream-ok","input":"structured",
                 "text":{"format":{"type":"json_schema","name":"answer","strict":true,
                                   "schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}}}}""");

        JsonNode format = upstream.last().path("response_format");
        assertThat(format.path("type").asText()).isEqualTo("json_schema");
        assertThat(format.path("json_schema").path("name").asText()).isEqualTo("answer");
        assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
        assertThat(format.path("json_schema").path("schema").path("required").path(0).asText()).isEqualTo("a");
    }

    @Test
    void streamFromTheUpstreamCompletesAndIsStored() {
        TestGateway.Resp r = gw.post("/v1/responses", key, "{\"model\":\"" + RecordingUpstream.ANSWERS + "\",\"input\":\"s\",\"stream\":true}");

        List<SseEvents.Event> events = SseEvents.parse(r.body());
        JsonNode completed = events.get(events.size() - 1).data().path("response");
        assertThat(completed.path("output").path(0).path("content").path(0).path("text").asText()).isEqualTo(RecordingUpstream.TEXT);
        assertThat(completed.path("usage").path("output_tokens").asInt()).isEqualTo(3);
        assertThat(Json.text(gw.get("/v1/responses/" + completed.path("id").asText(), key).json())).isEqualTo(Json.text(completed));
    }

    @Test
    void upstreamBreakingAfterTheFirstEventEndsWithAnErrorEventAndResponseFailed() {
        TestGateway.Resp r = gw.post("/v1/responses", key, "{\"model\":\"" + RecordingUpstream.BREAKS + "\",\"input\":\"s\",\"stream\":true}");

        assertThat(r.status()).isEqualTo(200);
        List<SseEvents.Event> events = SseEvents.parse(r.body());
        assertThat(SseEvents.types(events)).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.delta", "error", "response.failed");
        events.forEach(e -> assertThat(e.name()).isEqualTo(e.type()));
        for (int i = 0; i < events.size(); i++) assertThat(events.get(i).data().path("sequence_number").asInt()).isEqualTo(i);
        JsonNode error = events.get(5).data();
        assertThat(error.path("code").asText()).isEqualTo("upstream_stream_truncated");
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.has("param")).isTrue();
        JsonNode failed = events.get(6).data().path("response");
        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("error").path("code").asText()).isEqualTo("server_error");
        assertThat(failed.path("output").path(0).path("content").path(0).path("text").asText()).isEqualTo("Upstream ");
        assertThat(gw.get("/v1/responses/" + failed.path("id").asText(), key).status()).isEqualTo(404);
    }

    @Test
    void upstreamFailingBeforeTheFirstEventIsAPlainHttpError() {
        TestGateway.Resp r = gw.post("/v1/responses", key, "{\"model\":\"" + RecordingUpstream.DOWN + "\",\"input\":\"s\",\"stream\":true}");

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("upstream_unavailable");
    }

    @Test
    void upstreamFailingAPlainRequestIsAPlainHttpError() {
        TestGateway.Resp r = gw.post("/v1/responses", key, "{\"model\":\"" + RecordingUpstream.DOWN + "\",\"input\":\"s\"}");

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().path("error").path("message").asText()).contains("overloaded");
    }
}
