package dev.tokengate.openai;

import static dev.tokengate.support.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Client mistakes on /v1 get 4xx answers in OpenAI's error shape, naming the field at fault; never a 5xx. */
class ErrorResponsesTest {
    private static final String CHAT = "/v1/chat/completions";
    private static final String GOOD_BODY = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private static TestGateway gw;
    private static String key;
    private static String freeKey;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        key = gw.createUserKey("errors", "user_pro");
        freeKey = gw.createUserKey("free", "user_free");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static TestGateway.Resp chat(String body) {
        return gw.post(CHAT, key, body);
    }

    private static String withUserMessage(String fields) {
        return "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + fields + "}";
    }

    @Test
    void malformedJsonIs400WithoutAParam() {
        JsonNode error = assertError(chat("{\"model\":\"gpt-4o\",\"messages\":["), 400);

        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").isNull()).isTrue();
        assertThat(error.path("message").asText()).containsIgnoringCase("JSON");
    }

    @Test
    void emptyBodyIs400() {
        assertError(chat(""), 400);
    }

    @Test
    void bodyThatIsNotAnObjectIs400() {
        assertError(chat("[1,2,3]"), 400);
    }

    @Test
    void deeplyNestedBodyIs400() {
        assertError(chat(withUserMessage("\"metadata\":" + "[".repeat(5000) + "]".repeat(5000))), 400);
    }

    @Test
    void bodyThatIsNotUtf8Is400() {
        byte[] latin1 = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"caf\u00e9\"}]}"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        TestGateway.Resp r = gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + CHAT)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(latin1)), key);

        assertError(r, 400);
    }

    static Stream<Arguments> invalidBodies() {
        return Stream.of(
                Arguments.of("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model"),
                Arguments.of("{\"model\":\"gpt-4o\"}", "messages"),
                Arguments.of("{\"model\":\"gpt-4o\",\"messages\":[]}", "messages"),
                Arguments.of("{\"model\":\"gpt-4o\",\"messages\":\"hi\"}", "messages"),
                Arguments.of("{\"model\":42,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "model"),
                Arguments.of(withUserMessage("\"temperature\":\"hot\""), "temperature"),
                Arguments.of(withUserMessage("\"temperature\":3"), "temperature"),
                Arguments.of("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}", "messages[0].role"),
                Arguments.of("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\"}]}", "messages[1].content"),
                Arguments.of("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":7}]}", "messages[0].content"),
                Arguments.of(withUserMessage("\"max_tokens\":-1"), "max_tokens"),
                Arguments.of(withUserMessage("\"max_completion_tokens\":\"ten\""), "max_completion_tokens"),
                Arguments.of(withUserMessage("\"n\":0"), "n"),
                Arguments.of(withUserMessage("\"n\":1.5"), "n"),
                Arguments.of(withUserMessage("\"max_tokens\":123456789012345678901234567890"), "max_tokens"),
                Arguments.of(withUserMessage("\"stream_options\":{\"include_usage\":true}"), "stream_options"),
                Arguments.of(withUserMessage("\"stream\":\"yes\""), "stream"),
                Arguments.of(withUserMessage("\"stop\":5"), "stop"),
                Arguments.of(withUserMessage("\"response_format\":{\"type\":\"xml\"}"), "response_format.type"),
                Arguments.of(withUserMessage("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"bad name\"}}]"), "tools[0].function.name"),
                Arguments.of(withUserMessage("\"tool_choice\":\"required\""), "tool_choice"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidBodies")
    void invalidFieldIs400NamingTheField(String body, String param) {
        JsonNode error = assertError(chat(body), 400, param);

        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void unknownModelIs404ModelNotFound() {
        JsonNode error = assertError(chat("{\"model\":\"gpt-9000\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 404);

        assertThat(error.path("code").asText()).isEqualTo("model_not_found");
        assertThat(error.path("message").asText()).contains("gpt-9000");
    }

    @Test
    void unknownModelOnAStreamIsAPlain404BeforeAnyFrame() {
        TestGateway.Resp r = chat("{\"model\":\"gpt-9000\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(assertError(r, 404).path("code").asText()).isEqualTo("model_not_found");
        assertThat(r.header("Content-Type")).startsWith("application/json");
    }

    @Test
    void freeTierUserAskingForGpt5Is403() {
        JsonNode error = assertError(gw.post(CHAT, freeKey, GOOD_BODY.replace("gpt-4o", "gpt-5")), 403);

        assertThat(error.path("message").asText()).isEqualTo("Free tier users cannot use GPT-5 model");
    }

    @Test
    void freeTierUserMayUseItsAllowedModels() {
        assertThat(gw.post(CHAT, freeKey, GOOD_BODY.replace("gpt-4o", "gpt-5-mini")).status()).isEqualTo(200);
        assertThat(gw.post(CHAT, freeKey, GOOD_BODY.replace("gpt-4o", "gpt-auto")).status()).isEqualTo(200);
    }

    @Test
    void missingKeyIs401() {
        assertError(gw.post(CHAT, null, GOOD_BODY), 401);
        assertError(gw.get("/v1/models", null), 401);
    }

    @Test
    void wrongKeyIs401InBothHeaders() {
        assertThat(assertError(gw.post(CHAT, "tg-not-a-real-key", GOOD_BODY), 401).path("code").asText()).isEqualTo("invalid_api_key");
        assertError(gw.send(request(CHAT).header("x-api-key", "tg-not-a-real-key"), null), 401);
    }

    @Test
    void goodKeyIsAcceptedAsBearerAndAsXApiKey() {
        assertThat(gw.post(CHAT, key, GOOD_BODY).status()).isEqualTo(200);
        assertThat(gw.send(request(CHAT).header("x-api-key", key), null).status()).isEqualTo(200);
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(GOOD_BODY));
    }

    @Test
    void unknownRouteIs404() {
        assertThat(assertError(gw.get("/v1/no-such-route", key), 404).path("message").asText()).contains("/v1/no-such-route");
        assertError(gw.get("/no-such-route", null), 404);
    }

    @Test
    void wrongMethodIs405() {
        assertError(gw.get(CHAT, key), 405);
        assertError(gw.send("DELETE", "/v1/models", key, null), 405);
    }

    @Test
    void toolParametersThatAreNotAJsonSchemaAre400NamingTheField() {
        // a duplicated key whose last value breaks the schema: the fuzzer found this passed as a valid tool
        String tool = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_time\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{},\"type\":-1}}}]";
        JsonNode error = assertError(chat(withUserMessage(tool)), 400);
        assertThat(error.path("param").asText()).isEqualTo("tools[0].function.parameters");

        String valid = tool.replace(",\"type\":-1", "");
        assertThat(chat(withUserMessage(valid)).status()).isEqualTo(200);
    }

    @Test
    void structuredOutputSchemaThatIsNotAJsonSchemaIs400NamingTheField() {
        String format = "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"out\","
                + "\"schema\":{\"type\":\"object\",\"properties\":[{}]}}}";
        JsonNode error = assertError(chat(withUserMessage(format)), 400);
        assertThat(error.path("param").asText()).isEqualTo("response_format.json_schema.schema");
    }
}
