package dev.tokengate.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.openai.client.OpenAIClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
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

/** Function calling: forced tool calls whose arguments satisfy the declared parameters, plain and streamed. */
class ToolCallsTest {
    private static final String WEATHER_PARAMS = """
            {"type":"object",
             "properties":{
               "location":{"type":"string","minLength":3},
               "unit":{"type":"string","enum":["celsius","fahrenheit"]},
               "days":{"type":"integer","minimum":1,"maximum":7}},
             "required":["location","unit","days"],
             "additionalProperties":false}""";
    private static final String BOOKING_PARAMS = """
            {"type":"object",
             "properties":{
               "guest":{"type":"object",
                        "properties":{"name":{"type":"string"},"email":{"type":"string","format":"email"}},
                        "required":["name","email"]},
               "nights":{"type":"integer","minimum":1,"maximum":30},
               "rooms":{"type":"array","minItems":1,"maxItems":3,
                        "items":{"type":"string","enum":["single","double","suite"]}},
               "breakfast":{"type":"boolean"}},
             "required":["guest","nights","rooms","breakfast"],
             "additionalProperties":false}""";

    private static TestGateway gw;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        client = Sdk.client(gw, gw.createUserKey("tools", "user_max"));
    }

    @AfterAll
    static void stop() {
        client.close();
        gw.close();
    }

    private static ChatCompletionFunctionTool tool(String name, String parametersJson) {
        FunctionParameters.Builder params = FunctionParameters.builder();
        try {
            Map<String, Object> schema = Json.MAPPER.readValue(parametersJson, new TypeReference<>() {});
            schema.forEach((k, v) -> params.putAdditionalProperty(k, JsonValue.from(v)));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        return ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder().name(name).description("test tool " + name).parameters(params.build()).build())
                .build();
    }

    private static ChatCompletionCreateParams.Builder withTools(String userText) {
        return ChatCompletionCreateParams.builder().model("gpt-5").addUserMessage(userText)
                .addTool(tool("get_weather", WEATHER_PARAMS))
                .addTool(tool("book_room", BOOKING_PARAMS));
    }

    private static ChatCompletionNamedToolChoice named(String name) {
        return ChatCompletionNamedToolChoice.builder()
                .function(ChatCompletionNamedToolChoice.Function.builder().name(name).build()).build();
    }

    private static ChatCompletionMessageFunctionToolCall onlyCall(ChatCompletion c) {
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        var calls = c.choices().get(0).message().toolCalls().orElseThrow();
        assertThat(calls).hasSize(1);
        return calls.get(0).asFunction();
    }

    @Test
    void toolChoiceRequiredReturnsACallWithArgumentsValidAgainstItsParameters() {
        ChatCompletion c = client.chat().completions().create(withTools("Weather in Oslo?")
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build()).validate();

        ChatCompletionMessageFunctionToolCall call = onlyCall(c);
        assertThat(call.id()).isNotBlank();
        assertThat(call.function().name()).isEqualTo("get_weather");
        SchemaAssert.assertValid(WEATHER_PARAMS, call.function().arguments());
    }

    @Test
    void namedToolChoiceCallsThatFunctionWithValidNestedArguments() {
        ChatCompletion c = client.chat().completions().create(withTools("Book me a room.").toolChoice(named("book_room")).build()).validate();

        ChatCompletionMessageFunctionToolCall call = onlyCall(c);
        assertThat(call.function().name()).isEqualTo("book_room");
        SchemaAssert.assertValid(BOOKING_PARAMS, call.function().arguments());
        assertThat(c.usage().orElseThrow().completionTokens()).isPositive();
    }

    @Test
    void toolChoiceNoneAnswersWithText() {
        ChatCompletion c = client.chat().completions().create(withTools("Just talk.")
                .toolChoice(ChatCompletionToolChoiceOption.Auto.NONE).build()).validate();

        assertThat(c.choices().get(0).message().toolCalls().orElse(List.of())).isEmpty();
        assertThat(c.choices().get(0).message().content()).isPresent();
    }

    @Test
    void aToolResultTurnIsAcceptedAndAnsweredWithText() {
        ChatCompletion first = client.chat().completions().create(withTools("Weather in Oslo?")
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED).build());
        ChatCompletionMessageFunctionToolCall call = onlyCall(first);

        ChatCompletion second = client.chat().completions().create(withTools("Weather in Oslo?")
                .addMessage(first.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("{\"temp_c\":12}").build())
                .build()).validate();

        assertThat(second.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(second.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).contains("simulated"));
    }

    @Test
    void streamedToolCallSendsIdAndNameOnceThenArgumentFragmentsThatAssembleToTheSameCall() {
        ChatCompletionMessageFunctionToolCall plain = onlyCall(client.chat().completions()
                .create(withTools("Book me a room.").toolChoice(named("book_room")).build()));

        List<ChatCompletionChunk.Choice.Delta.ToolCall> deltas = new ArrayList<>();
        List<ChatCompletionChunk.Choice.FinishReason> finishes = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions()
                .createStreaming(withTools("Book me a room.").toolChoice(named("book_room")).build())) {
            s.stream().map(ChatCompletionChunk::validate).flatMap(c -> c.choices().stream()).forEach(ch -> {
                ch.delta().toolCalls().ifPresent(deltas::addAll);
                ch.finishReason().ifPresent(finishes::add);
            });
        }

        assertThat(deltas.size()).isGreaterThan(2);
        assertThat(deltas).allSatisfy(d -> assertThat(d.index()).isZero());
        var first = deltas.get(0);
        assertThat(first.id()).isPresent();
        assertThat(first.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::name)).hasValue("book_room");
        assertThat(deltas.subList(1, deltas.size())).allSatisfy(d -> {
            assertThat(d.id()).isEmpty();
            assertThat(d.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::name)).isEmpty();
        });
        StringBuilder args = new StringBuilder();
        deltas.forEach(d -> d.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments).ifPresent(args::append));
        assertThat(args.toString()).isEqualTo(plain.function().arguments());
        SchemaAssert.assertValid(BOOKING_PARAMS, args.toString());
        assertThat(finishes).containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    }
}
