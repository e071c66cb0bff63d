package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.models.responses.ResponseCreateParams;
import dev.tokengate.support.Sdk;
import dev.tokengate.support.TestGateway;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every client mistake in a Responses API request is a 400 that names the field by its JSON path, never a 5xx. */
class ResponsesErrorsTest {
    private static final String TOOL = "{\"type\":\"function\",\"name\":\"f\",\"parameters\":{\"type\":\"object\"},\"strict\":false}";
    private static TestGateway gw;
    private static String key;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        key = gw.createUserKey("mistaken", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    static Stream<Arguments> mistakes() {
        String seventeen = IntStream.range(0, 17).mapToObj(i -> "\"k" + i + "\":\"v\"").collect(Collectors.joining(","));
        return Stream.of(
                Arguments.of("{\"input\":\"x\"}", "model"),
                Arguments.of("{\"model\":\"\",\"input\":\"x\"}", "model"),
                Arguments.of("{\"model\":\"gpt-4o\"}", "input"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":5}", "input"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[]}", "input"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[\"hi\"]}", "input[0]"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"content\":\"x\"}]}", "input[0].type"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"robot\",\"content\":\"x\"}]}", "input[0].role"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"type\":\"message\",\"role\":\"user\"}]}", "input[0].content"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"user\",\"content\":7}]}", "input[0].content"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"output_text\",\"text\":\"x\"}]}]}", "input[0].content[0].type"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"assistant\",\"content\":[{\"type\":\"input_text\",\"text\":\"x\"}]}]}", "input[0].content[0].type"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\"}]}]}", "input[0].content[0].text"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"system\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"https://x.test/a.png\"}]}]}", "input[0].content[0].type"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"detail\":\"auto\"}]}]}", "input[0].content[0].image_url"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"image_url\":\"https://x.test/a.png\",\"detail\":\"huge\"}]}]}", "input[0].content[0].detail"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"type\":\"function_call\",\"name\":\"f\",\"arguments\":\"{}\"}]}", "input[0].call_id"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"f\",\"arguments\":{}}]}", "input[0].arguments"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\"}]}", "input[0].output"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"type\":\"function_call_output\",\"call_id\":\"c\",\"output\":[{\"type\":\"input_image\",\"image_url\":\"https://x.test\"}]}]}", "input[0].output[0].type"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}", "input[0].type"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":[{\"type\":\"web_search_call\"}]}", "input[0].type"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"instructions\":3}", "instructions"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\",\"schema\":{}}}}", "text.format.name"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"a b\",\"schema\":{}}}}", "text.format.name"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\",\"name\":\"x\"}}}", "text.format.schema"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\",\"schema\":{}}}}}", "text.format.json_schema"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"text\":{\"format\":{\"type\":\"yaml\"}}}", "text.format.type"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"text\":{\"format\":\"json\"}}", "text.format"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"text\":{\"verbosity\":\"loud\"}}", "text.verbosity"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}", "tools[0].function"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"tools\":[{\"type\":\"web_search\"}]}", "tools[0].type"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"tools\":[{\"type\":\"function\",\"name\":\"bad name\"}]}", "tools[0].name"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"tools\":[{\"type\":\"function\",\"name\":\"f\",\"parameters\":[]}]}", "tools[0].parameters"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"tools\":[" + TOOL + "," + TOOL + "]}", "tools[1].name"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"tools\":[" + TOOL + "],\"tool_choice\":\"sometimes\"}", "tool_choice"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"tools\":[" + TOOL + "],\"tool_choice\":{\"type\":\"function\",\"name\":\"g\"}}", "tool_choice.name"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"tools\":[" + TOOL + "],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"f\"}}}", "tool_choice.name"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"tools\":[" + TOOL + "],\"tool_choice\":{\"type\":\"web_search_preview\"}}", "tool_choice.type"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"tool_choice\":\"required\"}", "tool_choice"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"max_output_tokens\":15}", "max_output_tokens"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"max_output_tokens\":\"many\"}", "max_output_tokens"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"temperature\":3}", "temperature"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"top_p\":\"high\"}", "top_p"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"parallel_tool_calls\":\"yes\"}", "parallel_tool_calls"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"metadata\":{\"k\":1}}", "metadata.k"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"metadata\":{" + seventeen + "}}", "metadata"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"user\":5}", "user"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"store\":\"no\"}", "store"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"stream\":\"yes\"}", "stream"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"stream_options\":{\"include_obfuscation\":false}}", "stream_options"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"previous_response_id\":\"\"}", "previous_response_id"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"previous_response_id\":\"resp_unknown\"}", "previous_response_id"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"truncation\":\"sometimes\"}", "truncation"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"reasoning\":{\"effort\":\"huge\"}}", "reasoning.effort"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"background\":true}", "background"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"conversation\":\"conv_1\"}", "conversation"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"service_tier\":\"gold\"}", "service_tier"),
                Arguments.of("{\"model\":\"gpt-4o\",\"input\":\"x\",\"messages\":[]}", "messages"));
    }

    @ParameterizedTest
    @MethodSource("mistakes")
    void mistakeIsA400NamingTheField(String body, String param) {
        TestGateway.Resp r = gw.post("/v1/responses", key, body);

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        JsonNode error = r.json().path("error");
        assertThat(error.path("param").asText()).as(r.body()).isEqualTo(param);
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("message").asText()).isNotBlank();
        assertThat(error.path("code").isTextual()).isTrue();
        assertThat(r.header("x-should-retry")).isEqualTo("false");
    }

    @Test
    void streamingRequestWithAMistakeIsAPlainJson400() {
        TestGateway.Resp r = gw.post("/v1/responses", key, "{\"model\":\"gpt-4o\",\"input\":\"x\",\"stream\":true,\"temperature\":9}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().path("error").path("param").asText()).isEqualTo("temperature");
    }

    @Test
    void sdkSeesABadRequestExceptionNamingTheField() {
        OpenAIClient client = Sdk.client(gw, key);
        try {
            assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model("gpt-4o").input("x")
                    .maxOutputTokens(8).build()))
                    .isInstanceOfSatisfying(BadRequestException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.param()).hasValue("max_output_tokens");
                    });
        } finally {
            client.close();
        }
    }

    @Test
    void unknownResponseIdIs404OnEveryRoute() {
        assertThat(gw.get("/v1/responses/resp_missing", key).status()).isEqualTo(404);
        assertThat(gw.send("DELETE", "/v1/responses/resp_missing", key, null).status()).isEqualTo(404);
        assertThat(gw.get("/v1/responses/resp_missing/input_items", key).status()).isEqualTo(404);
    }

    @Test
    void responsesNeedAnApiKey() {
        assertThat(gw.post("/v1/responses", null, "{\"model\":\"gpt-4o\",\"input\":\"x\"}").status()).isEqualTo(401);
        assertThat(gw.get("/v1/responses/resp_x", "tg-wrong-key").status()).isEqualTo(401);
    }

    @Test
    void modelOutsideTheTierIsForbidden() {
        String free = gw.createUserKey("free-user", "user_free");

        TestGateway.Resp r = gw.post("/v1/responses", free, "{\"model\":\"gpt-4o\",\"input\":\"x\"}");

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("error").path("message").asText()).isNotBlank();
    }
}
