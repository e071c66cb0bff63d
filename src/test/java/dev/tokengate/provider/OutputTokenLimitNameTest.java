package dev.tokengate.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tokengate.support.Clients;
import dev.tokengate.support.FakeUpstream;
import dev.tokengate.support.GatewayWithFakeUpstream;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The output token limit reaches an OpenAI-compatible upstream under the name it reads: the client's own name by
 * default, the deployment's {@code max_tokens_param} when it has one (Ollama's and LM Studio's OpenAI endpoints read
 * only max_tokens and ignore max_completion_tokens, so a limit under the other name would be lost).
 */
class OutputTokenLimitNameTest {
    private static final String AS_SENT = "as-sent";
    private static final String READS_MAX_TOKENS = "reads-max-tokens";
    private static final String READS_MAX_COMPLETION_TOKENS = "reads-max-completion-tokens";
    @RegisterExtension
    static final GatewayWithFakeUpstream fixture = GatewayWithFakeUpstream.serving(upstream -> new UpstreamModels()
            .model(AS_SENT, upstream.baseUrl())
            .modelWith(READS_MAX_TOKENS, "max_tokens_param: max_tokens", upstream.baseUrl())
            .modelWith(READS_MAX_COMPLETION_TOKENS, "max_tokens_param: max_completion_tokens", upstream.baseUrl()));

    private static ChatCompletionCreateParams.Builder ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello");
    }

    private static JsonNode sentUpstream() {
        return fixture.upstream().onlyRequest().json();
    }

    @Test
    void aClientsMaxTokensReachesTheUpstreamAsMaxTokens() {
        fixture.sdk().chat().completions().create(ask(AS_SENT).maxTokens(64L).build());

        JsonNode body = sentUpstream();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(64);
        assertThat(body.has("max_completion_tokens")).isFalse();
    }

    @Test
    void aClientsMaxCompletionTokensReachesTheUpstreamAsMaxCompletionTokens() {
        fixture.sdk().chat().completions().create(ask(AS_SENT).maxCompletionTokens(64L).build());

        JsonNode body = sentUpstream();
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(64);
        assertThat(body.has("max_tokens")).isFalse();
    }

    @Test
    void aDeploymentThatReadsMaxTokensGetsTheLimitUnderThatName() {
        fixture.sdk().chat().completions().create(ask(READS_MAX_TOKENS).maxCompletionTokens(64L).build());

        JsonNode body = sentUpstream();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(64);
        assertThat(body.has("max_completion_tokens")).isFalse();
    }

    @Test
    void aDeploymentThatReadsMaxCompletionTokensGetsTheLimitUnderThatName() {
        fixture.sdk().chat().completions().create(ask(READS_MAX_COMPLETION_TOKENS).maxTokens(64L).build());

        JsonNode body = sentUpstream();
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(64);
        assertThat(body.has("max_tokens")).isFalse();
    }

    @Test
    void aStreamedRequestKeepsTheNameToo() {
        fixture.upstream().then(FakeUpstream.Reply.sseFixture("openai/stream-text.sse"));
        TestGateway.Resp resp = Clients.postChat(fixture.gateway(), fixture.key(),
                Clients.chatBody(READS_MAX_TOKENS, true, "\"max_completion_tokens\":32"));

        assertThat(resp.status()).isEqualTo(200);
        JsonNode body = sentUpstream();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(32);
        assertThat(body.has("max_completion_tokens")).isFalse();
    }

    @Test
    void aMessagesRequestReachesADeploymentThatReadsMaxTokensAsMaxTokens() {
        TestGateway.Resp resp = messages(READS_MAX_TOKENS);

        assertThat(resp.status()).as(resp.body()).isEqualTo(200);
        JsonNode body = sentUpstream();
        assertThat(body.path("max_tokens").asInt()).isEqualTo(300);
        assertThat(body.has("max_completion_tokens")).isFalse();
    }

    @Test
    void aMessagesRequestReachesADeploymentWithoutTheSettingAsMaxCompletionTokens() {
        TestGateway.Resp resp = messages(AS_SENT);

        assertThat(resp.status()).as(resp.body()).isEqualTo(200);
        JsonNode body = sentUpstream();
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(300);
        assertThat(body.has("max_tokens")).isFalse();
    }

    /** An Anthropic Messages request (max_tokens is required there), which the gateway translates for the upstream. */
    private static TestGateway.Resp messages(String model) {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":300,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}";
        return fixture.gateway().send(HttpRequest.newBuilder(URI.create(fixture.gateway().baseUrl() + "/v1/messages"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("x-api-key", fixture.key()).header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body)), null);
    }
}
