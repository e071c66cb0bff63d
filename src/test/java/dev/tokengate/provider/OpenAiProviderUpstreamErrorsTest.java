package dev.tokengate.provider;

import static dev.tokengate.support.Clients.chatBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tokengate.support.Clients;
import dev.tokengate.support.FakeUpstream;
import dev.tokengate.support.FakeUpstream.Reply;
import dev.tokengate.support.Fixtures;
import dev.tokengate.support.GatewayWithFakeUpstream;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Upstream failures before any answer reaches the client become our OpenAI-shaped errors with the right status. */
class OpenAiProviderUpstreamErrorsTest {
    private static final String MODEL = "up-model";
    private static final String REFUSING_MODEL = "refusing-model";
    @RegisterExtension
    static final GatewayWithFakeUpstream fixture = GatewayWithFakeUpstream.serving(upstream -> new UpstreamModels()
            .model(MODEL, upstream.baseUrl()).model(REFUSING_MODEL, FakeUpstream.refusingBaseUrl()));

    private static TestGateway.Resp chat(String model, boolean stream) {
        return Clients.postChat(fixture.gateway(), fixture.key(), chatBody(model, stream, null));
    }

    private static JsonNode errorOf(TestGateway.Resp resp) {
        JsonNode error = resp.json().path("error");
        assertThat(error.path("message").isTextual()).as("error.message in %s", resp.body()).isTrue();
        assertThat(error.path("type").isTextual()).as("error.type in %s", resp.body()).isTrue();
        assertThat(error.has("param")).as("error.param in %s", resp.body()).isTrue();
        assertThat(error.has("code")).as("error.code in %s", resp.body()).isTrue();
        return error;
    }

    @Test
    void upstreamRateLimitBecomes429WithRetryAfter() {
        fixture.upstream().always(Reply.json(429, Fixtures.text("openai/error-429-rate-limit.json")).withHeader("Retry-After", "20"));

        TestGateway.Resp resp = chat(MODEL, false);

        assertThat(resp.status()).isEqualTo(429);
        assertThat(resp.header("Retry-After")).isEqualTo("20");
        JsonNode error = errorOf(resp);
        assertThat(error.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("message").asText()).contains("Rate limit reached");
    }

    @Test
    void upstreamRateLimitOnAStreamRequestIsAPlain429BeforeAnyEvent() {
        fixture.upstream().always(Reply.json(429, Fixtures.text("openai/error-429-rate-limit.json")).withHeader("Retry-After", "3"));

        TestGateway.Resp resp = chat(MODEL, true);

        assertThat(resp.status()).isEqualTo(429);
        assertThat(resp.header("Content-Type")).startsWith("application/json");
        assertThat(resp.header("Retry-After")).isEqualTo("3");
        assertThat(errorOf(resp).path("type").asText()).isEqualTo("rate_limit_error");
    }

    @Test
    void sdkSeesAnUpstreamRateLimitAsRateLimitException() {
        fixture.upstream().always(Reply.json(429, Fixtures.text("openai/error-429-rate-limit.json")).withHeader("Retry-After", "20"));

        OpenAIClient sdk = Clients.sdk(fixture.gateway(), fixture.key());
        try {
            assertThatThrownBy(() -> sdk.chat().completions().create(
                    ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("hi").build()))
                    .isInstanceOfSatisfying(RateLimitException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(429);
                        assertThat(e.headers().values("Retry-After")).containsExactly("20");
                    });
        } finally {
            sdk.close();
        }
    }

    @Test
    void upstreamServerErrorBecomes502() {
        fixture.upstream().always(Reply.json(500, Fixtures.text("openai/error-500-server.json")));

        TestGateway.Resp resp = chat(MODEL, false);

        assertThat(resp.status()).isEqualTo(502);
        JsonNode error = errorOf(resp);
        assertThat(error.path("type").asText()).isEqualTo("upstream_error");
        assertThat(error.path("message").asText()).contains("500");
    }

    @Test
    void upstreamOverloadedBecomes503() {
        fixture.upstream().always(Reply.json(503, Fixtures.text("openai/error-503-overloaded.json")));

        TestGateway.Resp resp = chat(MODEL, false);

        assertThat(resp.status()).isEqualTo(503);
        assertThat(errorOf(resp).path("message").asText()).contains("overloaded");
    }

    @Test
    void upstreamRefusingTheOperatorKeyBecomes502NeverA401() {
        fixture.upstream().always(Reply.json(401, Fixtures.text("openai/error-401-invalid-key.json")));

        TestGateway.Resp resp = chat(MODEL, false);

        assertThat(resp.status()).isEqualTo(502);
        JsonNode error = errorOf(resp);
        assertThat(error.path("type").asText()).isNotEqualTo("authentication_error");
        assertThat(error.path("code").asText()).isEqualTo("upstream_auth_failed");
        // the upstream's message quotes the operator's key: it must not reach the caller
        assertThat(resp.body()).doesNotContain("Incorrect API key").doesNotContain("sk-test");
    }

    @Test
    void upstreamNotKnowingItsModelIsTheOperatorsProblemSo502() {
        fixture.upstream().always(Reply.error(404, "invalid_request_error",
                "The model `real-model` does not exist or you do not have access to it.", "model_not_found"));

        TestGateway.Resp resp = chat(MODEL, false);

        assertThat(resp.status()).isEqualTo(502);
        assertThat(errorOf(resp).path("code").asText()).isEqualTo("upstream_not_found");
        assertThat(resp.body()).doesNotContain(UpstreamModels.UPSTREAM_MODEL);
    }

    @Test
    void upstreamRejectingTheClientsParametersIsA400WithTheUpstreamsReason() {
        fixture.upstream().always(Reply.error(400, "invalid_request_error",
                "max_tokens is too large: 999999. This model supports at most 16384 completion tokens.", "invalid_value"));

        TestGateway.Resp resp = chat(MODEL, false);

        assertThat(resp.status()).isEqualTo(400);
        assertThat(errorOf(resp).path("message").asText()).contains("max_tokens is too large");
    }

    @Test
    void refusedConnectionBecomes503() {
        TestGateway.Resp resp = chat(REFUSING_MODEL, false);

        assertThat(resp.status()).isEqualTo(503);
        assertThat(errorOf(resp).path("code").asText()).isEqualTo("upstream_unreachable");
    }

    @Test
    void upstreamHangingUpWithoutAnsweringBecomes502() {
        fixture.upstream().always(Reply.hangUp());

        TestGateway.Resp resp = chat(MODEL, false);

        assertThat(resp.status()).isEqualTo(502);
        assertThat(errorOf(resp).path("code").asText()).isEqualTo("upstream_connection_error");
    }

    @Test
    void malformedUpstreamJsonBecomes502SayingSo() {
        fixture.upstream().always(Reply.json(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"));

        TestGateway.Resp resp = chat(MODEL, false);

        assertThat(resp.status()).isEqualTo(502);
        JsonNode error = errorOf(resp);
        assertThat(error.path("code").asText()).isEqualTo("upstream_malformed_response");
        assertThat(error.path("message").asText()).contains("not valid JSON").doesNotContain("\n");
    }

    @Test
    void upstreamAnsweringAStreamRequestWithPlainJsonBecomes502SayingSo() {
        TestGateway.Resp resp = chat(MODEL, true);

        assertThat(resp.status()).isEqualTo(502);
        assertThat(errorOf(resp).path("message").asText()).contains("application/json instead of text/event-stream");
    }

    @Test
    void upstreamJsonWithoutChoicesBecomes502() {
        fixture.upstream().always(Reply.json(200, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\"}"));

        TestGateway.Resp resp = chat(MODEL, false);

        assertThat(resp.status()).isEqualTo(502);
        assertThat(errorOf(resp).path("message").asText()).contains("choices");
    }

    @Test
    void upstreamErrorPageThatIsNotJsonStillGivesAnOpenAiShapedError() {
        fixture.upstream().always(new Reply.Body(500, "text/html", "<html><body>Internal Server Error</body></html>", Map.of()));

        TestGateway.Resp resp = chat(MODEL, false);

        assertThat(resp.status()).isEqualTo(502);
        assertThat(errorOf(resp).path("message").asText()).contains("500").doesNotContain("<html>");
    }
}
