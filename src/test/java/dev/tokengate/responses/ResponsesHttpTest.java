package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Responses API over plain HTTP: seed 002's curl example, and the raw event stream byte for byte. */
class ResponsesHttpTest {
    private static TestGateway gw;
    private static String key;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        key = gw.createUserKey("curl", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void seedCurlExampleAnswersWithACompletedResponse() {
        TestGateway.Resp r = gw.post("/v1/responses", key, """
                {
                    "model": "gpt-4.1-mini",
                    "input": "Return a JSON contact form field definition."
                  }""");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode body = r.json();
        assertThat(body.path("id").asText()).startsWith("resp_");
        assertThat(body.path("object").asText()).isEqualTo("response");
        assertThat(body.path("status").asText()).isEqualTo("completed");
        assertThat(body.path("model").asText()).isEqualTo("gpt-4.1-mini");
        JsonNode message = body.path("output").path(0);
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        JsonNode part = message.path("content").path(0);
        assertThat(part.path("type").asText()).isEqualTo("output_text");
        assertThat(part.path("text").asText()).contains("Return a JSON contact form field definition.");
        assertThat(part.path("annotations").isArray()).isTrue();
        assertThat(part.path("logprobs").isArray()).isTrue();
    }

    @Test
    void responseCarriesEveryRequiredKeyEvenWhenNull() {
        JsonNode body = gw.post("/v1/responses", key, "{\"model\":\"gpt-4o\",\"input\":\"keys\"}").json();

        assertThat(body.has("error") && body.get("error").isNull()).isTrue();
        assertThat(body.has("incomplete_details") && body.get("incomplete_details").isNull()).isTrue();
        assertThat(body.has("instructions") && body.get("instructions").isNull()).isTrue();
        assertThat(body.has("previous_response_id") && body.get("previous_response_id").isNull()).isTrue();
        assertThat(body.has("max_output_tokens") && body.get("max_output_tokens").isNull()).isTrue();
        assertThat(body.has("user") && body.get("user").isNull()).isTrue();
        for (String k : List.of("id", "object", "created_at", "status", "completed_at", "model", "output", "parallel_tool_calls",
                "reasoning", "store", "temperature", "text", "tool_choice", "tools", "top_p", "truncation", "usage", "metadata",
                "service_tier", "background")) {
            assertThat(body.has(k)).as(k).isTrue();
        }
        assertThat(body.path("reasoning").has("effort")).isTrue();
        assertThat(body.path("reasoning").has("summary")).isTrue();
        assertThat(body.path("tool_choice").asText()).isEqualTo("auto");
        assertThat(body.path("truncation").asText()).isEqualTo("disabled");
        assertThat(body.path("metadata").isObject()).isTrue();
        JsonNode usage = body.path("usage");
        assertThat(usage.path("input_tokens_details").has("cached_tokens")).isTrue();
        assertThat(usage.path("input_tokens_details").has("cache_write_tokens")).isTrue();
        assertThat(usage.path("output_tokens_details").has("reasoning_tokens")).isTrue();
        assertThat(body.path("created_at").asLong()).isLessThanOrEqualTo(body.path("completed_at").asLong());
    }

    @Test
    void everyStreamedEventHasAnEventLineEqualToItsTypeAndTheNextSequenceNumber() {
        TestGateway.Resp r = gw.post("/v1/responses", key, "{\"model\":\"gpt-4o\",\"input\":\"stream raw\",\"stream\":true}");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/event-stream");
        List<SseEvents.Event> events = SseEvents.parse(r.body());
        for (int i = 0; i < events.size(); i++) {
            SseEvents.Event e = events.get(i);
            assertThat(e.name()).isEqualTo(e.type());
            assertThat(e.data().path("sequence_number").isIntegralNumber()).as("sequence_number of %s", e.type()).isTrue();
            assertThat(e.data().path("sequence_number").asInt()).isEqualTo(i);
        }
        assertThat(r.body()).doesNotContain("[DONE]");
    }

    @Test
    void textStreamFollowsOpenAisEventOrder() {
        List<SseEvents.Event> events = SseEvents.parse(gw.post("/v1/responses", key,
                "{\"model\":\"gpt-4o\",\"input\":\"stream in order\",\"stream\":true}").body());

        List<String> types = new ArrayList<>(SseEvents.types(events));
        int deltas = (int) types.stream().filter(t -> t.equals("response.output_text.delta")).count();
        assertThat(deltas).isGreaterThan(1);
        types.removeIf(t -> t.equals("response.output_text.delta"));
        assertThat(types).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.content_part.added", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed");
        assertThat(SseEvents.types(events).subList(4, 4 + deltas)).containsOnly("response.output_text.delta");

        JsonNode created = events.get(0).data().path("response");
        assertThat(created.path("status").asText()).isEqualTo("in_progress");
        assertThat(created.path("output")).isEmpty();
        assertThat(created.path("usage").isNull()).isTrue();
        JsonNode added = events.get(2).data();
        assertThat(added.path("item").path("status").asText()).isEqualTo("in_progress");
        assertThat(added.path("item").path("content")).isEmpty();
        String itemId = added.path("item").path("id").asText();
        events.stream().filter(e -> e.data().has("item_id")).forEach(e -> {
            assertThat(e.data().path("item_id").asText()).isEqualTo(itemId);
            assertThat(e.data().path("output_index").asInt()).isZero();
        });
        events.stream().filter(e -> e.type().equals("response.output_text.delta"))
                .forEach(e -> assertThat(e.data().path("logprobs").isArray()).isTrue());
        JsonNode completed = events.get(events.size() - 1).data().path("response");
        assertThat(completed.path("status").asText()).isEqualTo("completed");
        assertThat(completed.path("usage").path("total_tokens").asInt()).isPositive();
        assertThat(completed.path("output").path(0).path("id").asText()).isEqualTo(itemId);
    }

    @Test
    void streamedToolCallFollowsOpenAisEventOrder() {
        List<SseEvents.Event> events = SseEvents.parse(gw.post("/v1/responses", key, """
                {"model":"gpt-4o","input":"call it","stream":true,"tool_choice":"required",
                 "tools":[{"type":"function","name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}},
                           "required":["q"]},"strict":true}]}""").body());

        List<String> types = new ArrayList<>(SseEvents.types(events));
        types.removeIf(t -> t.equals("response.function_call_arguments.delta"));
        assertThat(types).containsExactly("response.created", "response.in_progress", "response.output_item.added",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        JsonNode item = events.get(2).data().path("item");
        assertThat(item.path("type").asText()).isEqualTo("function_call");
        assertThat(item.path("name").asText()).isEqualTo("lookup");
        assertThat(item.path("arguments").asText()).isEmpty();
        JsonNode done = events.stream().filter(e -> e.type().equals("response.function_call_arguments.done")).findFirst()
                .orElseThrow().data();
        assertThat(done.path("name").asText()).isEqualTo("lookup");
        assertThat(done.path("item_id").asText()).isEqualTo(item.path("id").asText());
    }

    @Test
    void malformedJsonIsA400BeforeAnyStream() {
        TestGateway.Resp r = gw.post("/v1/responses", key, "{\"model\":\"gpt-4o\",\"input\":\"x\",\"stream\":true");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void unknownModelWhileStreamingIsAPlain404() {
        TestGateway.Resp r = gw.post("/v1/responses", key, "{\"model\":\"no-such-model\",\"input\":\"x\",\"stream\":true}");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("model_not_found");
    }
}
