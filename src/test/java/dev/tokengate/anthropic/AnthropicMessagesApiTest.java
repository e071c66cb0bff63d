package dev.tokengate.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.OverloadedException;
import com.anthropic.errors.PermissionDeniedException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.AnthropicFixtures;
import dev.tokengate.support.AnthropicFixtures.SseEvent;
import dev.tokengate.support.FakeAnthropic;
import dev.tokengate.support.FakeAnthropic.Reply;
import dev.tokengate.support.TestGateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /v1/messages on the wire: SSE framing, both ways of presenting a key, and Anthropic-shaped errors. */
class AnthropicMessagesApiTest {
    private static final String HELLO = "{\"model\":\"claude-3.5-sonnet\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
    private static FakeAnthropic upstream;
    private static TestGateway gw;
    private static String key;

    @BeforeAll
    static void start() throws IOException {
        upstream = new FakeAnthropic(Reply.json(529, AnthropicFixtures.text("error-overloaded.json")));
        Path config = Files.createTempFile("tokengate-anthropic-api", ".yaml");
        Files.writeString(config, """
                models:
                  - name: claude-fake
                    owned_by: anthropic
                    deployments:
                      - {provider: anthropic, base_url: "%s", upstream_model: claude-sonnet-4-5, api_key_env: FAKE_KEY}
                """.formatted(upstream.baseUrl()));
        gw = TestGateway.start(config, Map.of(), Map.of("FAKE_KEY", "upstream-secret-0123456789"));
        key = gw.createUserKey("anthropic-api", "user_pro");
    }

    @AfterAll
    static void stop() {
        if (gw != null) gw.close();
        if (upstream != null) upstream.close();
    }

    private static TestGateway.Resp postWithXApiKey(String apiKey, String body) {
        return gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/messages"))
                .header("Content-Type", "application/json").header("anthropic-version", "2023-06-01")
                .header("x-api-key", apiKey).POST(HttpRequest.BodyPublishers.ofString(body)), null);
    }

    private static void assertAnthropicError(TestGateway.Resp r, int status, String type) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode b = r.json();
        assertThat(b.path("type").asText()).isEqualTo("error");
        assertThat(b.path("error").path("type").asText()).isEqualTo(type);
        assertThat(b.path("error").path("message").asText()).isNotBlank();
        assertThat(b.path("request_id").asText()).isEqualTo(r.header("request-id")).isNotBlank();
    }

    private static AnthropicClient sdk(String apiKey) {
        return AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(apiKey).maxRetries(0).build();
    }

    /** AnthropicClient has close() but is not AutoCloseable. */
    private static void withSdk(String apiKey, Consumer<AnthropicClient> body) {
        AnthropicClient client = sdk(apiKey);
        try {
            body.accept(client);
        } finally {
            client.close();
        }
    }

    private static MessageCreateParams hello(String model) {
        return MessageCreateParams.builder().model(model).maxTokens(100).addUserMessage("Hi").build();
    }

    @Test
    void everyStreamedEventHasAnEventLineNamingItsType() {
        TestGateway.Resp r = gw.post("/v1/messages", key, HELLO + ",\"stream\":true}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/event-stream");
        List<SseEvent> events = AnthropicFixtures.parseSse(r.body());
        assertThat(events).allSatisfy(e -> {
            assertThat(e.event()).isNotNull();
            assertThat(e.json().path("type").asText()).isEqualTo(e.event());
        });
        assertThat(events.get(0).event()).isEqualTo("message_start");
        assertThat(events.get(events.size() - 2).json().path("usage").path("output_tokens").asInt()).isPositive();
        assertThat(events.get(events.size() - 1).event()).isEqualTo("message_stop");
    }

    @Test
    void aKeyIsAcceptedAsXApiKeyAndAsBearer() {
        assertThat(postWithXApiKey(key, HELLO + "}").json().path("type").asText()).isEqualTo("message");
        assertThat(gw.post("/v1/messages", key, HELLO + "}").json().path("type").asText()).isEqualTo("message");
        AnthropicClient bearer = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).authToken(key).maxRetries(0).build();
        try {
            assertThat(bearer.messages().create(hello("claude-3.5-sonnet")).id()).startsWith("msg_");
        } finally {
            bearer.close();
        }
    }

    @Test
    void aMissingFieldIsA400InvalidRequestErrorNamingIt() {
        TestGateway.Resp r = gw.post("/v1/messages", key, "{\"model\":\"claude-3.5-sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertAnthropicError(r, 400, "invalid_request_error");
        assertThat(r.json().path("error").path("message").asText()).isEqualTo("max_tokens: Field required");
        assertThat(r.header("x-should-retry")).isEqualTo("false");
    }

    @Test
    void aWrongTypeDeepInTheMessagesIsA400NamingItsPath() {
        TestGateway.Resp r = gw.post("/v1/messages", key, "{\"model\":\"claude-3.5-sonnet\",\"max_tokens\":10,"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":7}]}]}");
        assertAnthropicError(r, 400, "invalid_request_error");
        assertThat(r.json().path("error").path("message").asText()).startsWith("messages.0.content.0.text: ");
    }

    @Test
    void malformedJsonIsA400() {
        assertAnthropicError(gw.post("/v1/messages", key, "{\"model\":"), 400, "invalid_request_error");
    }

    @Test
    void aBadKeyIsA401AuthenticationError() {
        assertAnthropicError(postWithXApiKey("sk-not-a-key", HELLO + "}"), 401, "authentication_error");
        withSdk("sk-not-a-key", client -> {
            assertThatThrownBy(() -> client.messages().create(hello("claude-3.5-sonnet"))).isInstanceOf(UnauthorizedException.class);
        });
    }

    @Test
    void anUnknownModelIsA404NotFoundError() {
        assertAnthropicError(gw.post("/v1/messages", key, HELLO.replace("claude-3.5-sonnet", "claude-nope") + "}"), 404, "not_found_error");
        withSdk(key, client -> {
            assertThatThrownBy(() -> client.messages().create(hello("claude-nope"))).isInstanceOf(NotFoundException.class);
        });
    }

    @Test
    void aModelOutsideTheTierIsA403PermissionError() {
        String freeKey = gw.createUserKey("anthropic-free", "user_free");
        assertAnthropicError(gw.post("/v1/messages", freeKey, HELLO + "}"), 403, "permission_error");
        withSdk(freeKey, client -> {
            assertThatThrownBy(() -> client.messages().create(hello("claude-3.5-sonnet"))).isInstanceOf(PermissionDeniedException.class);
        });
    }

    @Test
    void anOverloadedUpstreamIsA529OverloadedError() {
        upstream.enqueue(Reply.json(529, AnthropicFixtures.text("error-overloaded.json")));
        assertAnthropicError(gw.post("/v1/messages", key, HELLO.replace("claude-3.5-sonnet", "claude-fake") + "}"), 529, "overloaded_error");
        withSdk(key, client -> {
            assertThatThrownBy(() -> client.messages().create(hello("claude-fake"))).isInstanceOf(OverloadedException.class);
        });
    }

    @Test
    void anUpstreamRefusingTheGatewaysKeyIsA502ApiError() {
        upstream.enqueue(Reply.json(401, AnthropicFixtures.text("error-authentication.json")));
        assertAnthropicError(gw.post("/v1/messages", key, HELLO.replace("claude-3.5-sonnet", "claude-fake") + "}"), 502, "api_error");
        upstream.enqueue(Reply.json(401, AnthropicFixtures.text("error-authentication.json")));
        withSdk(key, client -> {
            assertThatThrownBy(() -> client.messages().create(hello("claude-fake")))
                    .isInstanceOfSatisfying(InternalServerException.class, e -> assertThat(e.statusCode()).isEqualTo(502));
        });
    }

    @Test
    void anUpstreamRejectionIsA400TheSdkDoesNotRetry() {
        upstream.enqueue(Reply.json(400, AnthropicFixtures.text("error-invalid-request.json")));
        withSdk(key, client -> {
            assertThatThrownBy(() -> client.messages().create(hello("claude-fake")))
                    .isInstanceOfSatisfying(BadRequestException.class,
                            e -> assertThat(e.getMessage()).contains("messages.0.content: Input should be a valid list"));
        });
    }

    @Test
    void aFailureAfterTheStreamBeganIsAnErrorEvent() {
        upstream.enqueue(Reply.sse(AnthropicFixtures.text("stream-error.sse")));
        TestGateway.Resp r = gw.post("/v1/messages", key, HELLO.replace("claude-3.5-sonnet", "claude-fake") + ",\"stream\":true}");
        assertThat(r.status()).isEqualTo(200);
        List<SseEvent> events = AnthropicFixtures.parseSse(r.body());
        assertThat(events.get(0).event()).isEqualTo("message_start");
        SseEvent last = events.get(events.size() - 1);
        assertThat(last.event()).isEqualTo("error");
        assertThat(last.json().path("type").asText()).isEqualTo("error");
        assertThat(last.json().path("error").path("type").asText()).isEqualTo("overloaded_error");

        upstream.enqueue(Reply.sse(AnthropicFixtures.text("stream-error.sse")));
        withSdk(key, client -> {
            try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(hello("claude-fake"))) {
                assertThatThrownBy(() -> stream.stream().toList()).isInstanceOf(AnthropicServiceException.class);
            }
        });
    }

    @Test
    void messageBatchesKeepTheirOwnErrorShape() {
        TestGateway.Resp r = gw.get("/v1/messages/batches/batch-does-not-exist", key);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().has("type")).isFalse();
        assertThat(r.json().path("error").path("message").asText()).isNotBlank();
        assertThat(r.header("request-id")).isNull();
    }

    @Test
    void unknownRoutesUnderMessagesAnswerInAnthropicsShape() {
        assertAnthropicError(gw.post("/v1/messages/count_tokens", key, HELLO + "}"), 404, "not_found_error");
    }

    @Test
    void aPlainMessageCarriesEveryKeyTheSdkRequires() {
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(key).maxRetries(0)
                .responseValidation(true).build();
        try {
            Message m = client.messages().create(hello("claude-3.5-sonnet"));
            m.validate();
            assertThat(m.usage().cacheReadInputTokens()).contains(0L);
        } finally {
            client.close();
        }
    }
}
