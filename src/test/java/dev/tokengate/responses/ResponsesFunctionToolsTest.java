package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ToolChoiceFunction;
import com.openai.models.responses.ToolChoiceOptions;
import dev.tokengate.core.Json;
import dev.tokengate.support.SchemaAssert;
import dev.tokengate.support.Sdk;
import dev.tokengate.support.TestGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Flat function tools: calls whose arguments satisfy the parameters, plain and streamed, and the round trip of a result. */
class ResponsesFunctionToolsTest {
    private static final String WEATHER_PARAMS = """
            {"type":"object",
             "properties":{
               "location":{"type":"string","minLength":3},
               "unit":{"type":"string","enum":["celsius","fahrenheit"]}},
             "required":["location","unit"],
             "additionalProperties":false}""";
    private static final String TIME_PARAMS = """
            {"type":"object","properties":{"zone":{"type":"string"}},"required":["zone"],"additionalProperties":false}""";

    private static TestGateway gw;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        client = Sdk.client(gw, gw.createUserKey("tool-user", "user_pro"));
    }

    @AfterAll
    static void stop() {
        client.close();
        gw.close();
    }

    private static FunctionTool tool(String name, String parametersJson) {
        FunctionTool.Parameters.Builder params = FunctionTool.Parameters.builder();
        try {
            Map<String, Object> schema = Json.MAPPER.readValue(parametersJson, new TypeReference<>() {});
            schema.forEach((k, v) -> params.putAdditionalProperty(k, JsonValue.from(v)));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        return FunctionTool.builder().name(name).description("test tool " + name).parameters(params.build()).strict(true).build();
    }

    private static ResponseCreateParams.Builder weatherQuestion() {
        return ResponseCreateParams.builder().model("gpt-4o").input("What is the weather in Lisbon?")
                .addTool(tool("get_weather", WEATHER_PARAMS)).addTool(tool("get_time", TIME_PARAMS));
    }

    @Test
    void forcedFunctionCallHasArgumentsValidAgainstItsParameters() {
        Response r = client.responses().create(weatherQuestion()
                .toolChoice(ToolChoiceFunction.builder().name("get_weather").build()).build()).validate();

        assertThat(r.status()).hasValue(ResponseStatus.COMPLETED);
        ResponseFunctionToolCall call = r.output().stream().filter(ResponseOutputItem::isFunctionCall).findFirst()
                .orElseThrow().asFunctionCall();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.callId()).isNotBlank();
        assertThat(call.id()).hasValueSatisfying(id -> assertThat(id).startsWith("fc_"));
        SchemaAssert.assertValid(WEATHER_PARAMS, call.arguments());
        assertThat(r.toolChoice().asFunction().name()).isEqualTo("get_weather");
        assertThat(r.tools()).hasSize(2).allSatisfy(t -> assertThat(t.isFunction()).isTrue());
        assertThat(r.tools().get(0).asFunction().strict()).hasValue(true);
        assertThat(r.tools().get(0).asFunction().parameters().orElseThrow()._additionalProperties()).containsKey("properties");
    }

    @Test
    void requiredToolChoiceCallsATool() {
        Response r = client.responses().create(weatherQuestion().toolChoice(ToolChoiceOptions.REQUIRED).build()).validate();

        assertThat(r.output()).anySatisfy(item -> assertThat(item.isFunctionCall()).isTrue());
        assertThat(r.toolChoice().asOptions()).isEqualTo(ToolChoiceOptions.REQUIRED);
    }

    @Test
    void toolChoiceNoneAnswersWithText() {
        Response r = client.responses().create(weatherQuestion().toolChoice(ToolChoiceOptions.NONE).build()).validate();

        assertThat(r.output()).singleElement().satisfies(item -> assertThat(item.isMessage()).isTrue());
    }

    @Test
    void streamedFunctionCallSendsArgumentDeltasThatAddUpToTheDoneArguments() {
        List<ResponseStreamEvent> events;
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(weatherQuestion()
                .toolChoice(ToolChoiceFunction.builder().name("get_weather").build()).build())) {
            events = s.stream().map(ResponseStreamEvent::validate).toList();
        }

        ResponseFunctionToolCall added = events.stream().filter(ResponseStreamEvent::isOutputItemAdded).findFirst().orElseThrow()
                .asOutputItemAdded().item().asFunctionCall();
        assertThat(added.arguments()).isEmpty();
        assertThat(added.status()).hasValue(ResponseFunctionToolCall.Status.IN_PROGRESS);
        StringBuilder deltas = new StringBuilder();
        events.stream().filter(ResponseStreamEvent::isFunctionCallArgumentsDelta).forEach(e -> {
            assertThat(e.asFunctionCallArgumentsDelta().itemId()).isEqualTo(added.id().orElseThrow());
            deltas.append(e.asFunctionCallArgumentsDelta().delta());
        });
        var done = events.stream().filter(ResponseStreamEvent::isFunctionCallArgumentsDone).findFirst().orElseThrow()
                .asFunctionCallArgumentsDone();
        assertThat(done.arguments()).isEqualTo(deltas.toString());
        assertThat(done._additionalProperties().get("name").asString()).hasValue("get_weather");
        SchemaAssert.assertValid(WEATHER_PARAMS, done.arguments());
        ResponseFunctionToolCall finished = events.get(events.size() - 1).asCompleted().response().output().get(0).asFunctionCall();
        assertThat(finished.arguments()).isEqualTo(done.arguments());
        assertThat(finished.callId()).isEqualTo(added.callId());
        assertThat(events).noneMatch(ResponseStreamEvent::isOutputTextDelta);
    }

    @Test
    void functionResultSentWithTheCallItselfGetsAnAnswer() {
        Response first = client.responses().create(weatherQuestion().toolChoice(ToolChoiceOptions.REQUIRED).build());
        ResponseFunctionToolCall call = first.output().get(0).asFunctionCall();

        List<ResponseInputItem> input = new ArrayList<>();
        input.add(ResponseInputItem.ofEasyInputMessage(com.openai.models.responses.EasyInputMessage.builder()
                .role(com.openai.models.responses.EasyInputMessage.Role.USER).content("What is the weather in Lisbon?").build()));
        input.add(ResponseInputItem.ofFunctionCall(call));
        input.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                .callId(call.callId()).output("{\"temperature\":21,\"sky\":\"clear\"}").build()));
        Response answer = client.responses().create(ResponseCreateParams.builder().model("gpt-4o").inputOfResponse(input)
                .addTool(tool("get_weather", WEATHER_PARAMS)).build()).validate();

        assertThat(answer.output()).singleElement().satisfies(item -> assertThat(item.isMessage()).isTrue());
        assertThat(ResponsesText.of(answer)).contains("The tool returned").contains("temperature");
    }

    @Test
    void functionResultAfterPreviousResponseGetsAnAnswer() {
        Response first = client.responses().create(weatherQuestion().toolChoice(ToolChoiceOptions.REQUIRED).build());
        ResponseFunctionToolCall call = first.output().get(0).asFunctionCall();

        Response answer = client.responses().create(ResponseCreateParams.builder().model("gpt-4o").previousResponseId(first.id())
                .inputOfResponse(List.of(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder()
                        .callId(call.callId()).output("sunny, 24 degrees").build())))
                .addTool(tool("get_weather", WEATHER_PARAMS)).build()).validate();

        assertThat(answer.previousResponseId()).hasValue(first.id());
        assertThat(ResponsesText.of(answer)).contains("The tool returned: \"sunny, 24 degrees\"");
        List<com.openai.models.responses.ResponseItem> items = client.responses().inputItems().list(answer.id()).items();
        items.forEach(com.openai.models.responses.ResponseItem::validate);
        assertThat(items).hasSize(3);
        assertThat(items.get(0).asFunctionCallOutput().callId()).hasValue(call.callId());
        assertThat(items.get(1).asFunctionCall().id()).isEqualTo(call.id());
        assertThat(items.get(2).isResponseInputMessageItem()).isTrue();
    }
}
