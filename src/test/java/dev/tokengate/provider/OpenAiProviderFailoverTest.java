package dev.tokengate.provider;

import static dev.tokengate.support.Clients.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.Clients;
import dev.tokengate.support.FakeUpstream;
import dev.tokengate.support.FakeUpstream.Reply;
import dev.tokengate.support.Fixtures;
import dev.tokengate.support.GatewayWithFakeUpstream;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import dev.tokengate.support.UpstreamModels.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A model with several deployments moves on to the next one when a deployment fails before answering. Both deployments
 * of {@value #PAIR} live on one fake upstream under different paths, so "the first request fails, the second succeeds"
 * holds whichever deployment the weighted pick tries first.
 */
class OpenAiProviderFailoverTest {
    private static final String PAIR = "pair-model";
    private static final String REFUSING_FIRST = "refusing-first-model";
    @RegisterExtension
    static final GatewayWithFakeUpstream fixture = GatewayWithFakeUpstream.serving(upstream -> new UpstreamModels()
            .model(PAIR, upstream.baseUrl("a"), upstream.baseUrl("b"))
            .model(REFUSING_FIRST, new Deployment(FakeUpstream.refusingBaseUrl(), 1000), new Deployment(upstream.baseUrl("ok"), 1)));

    private static List<String> requestedPaths() {
        return fixture.upstream().requests().stream().map(FakeUpstream.Received::path).toList();
    }

    @Test
    void serverErrorOnOneDeploymentIsServedByTheOther() {
        fixture.upstream().then(Reply.json(500, Fixtures.text("openai/error-500-server.json")));

        TestGateway.Resp resp = Clients.postChat(fixture.gateway(), fixture.key(), chatBody(PAIR, false, null));

        assertThat(resp.status()).isEqualTo(200);
        assertThat(resp.json().path("choices").get(0).path("message").path("content").asText()).startsWith("Hello!");
        assertThat(resp.json().path("model").asText()).isEqualTo(PAIR);
        assertThat(requestedPaths()).containsExactlyInAnyOrder("/a/v1/chat/completions", "/b/v1/chat/completions");
    }

    @Test
    void streamFailsOverWhenTheFirstDeploymentFailsBeforeAnyChunk() {
        fixture.upstream().then(Reply.json(503, Fixtures.text("openai/error-503-overloaded.json")))
                .then(Reply.sseFixture("openai/stream-text.sse"));

        TestGateway.Resp resp = Clients.postChat(fixture.gateway(), fixture.key(), chatBody(PAIR, true, null));

        assertThat(resp.status()).isEqualTo(200);
        assertThat(Clients.sseData(resp.body())).last().isEqualTo("[DONE]");
        assertThat(resp.body()).contains("Hello").contains(" there!");
        assertThat(fixture.upstream().requests()).hasSize(2);
    }

    @Test
    void streamNeverFailsOverOnceAChunkReachedTheClient() {
        List<String> events = Fixtures.sseEvents("openai/stream-text.sse");
        fixture.upstream().then(Reply.sse().raw(events.get(0) + "\n\n").raw(events.get(1) + "\n\n").reset());

        TestGateway.Resp resp = Clients.postChat(fixture.gateway(), fixture.key(), chatBody(PAIR, true, null));

        Clients.sseErrorEvent(resp);
        assertThat(fixture.upstream().requests()).hasSize(1);
    }

    @Test
    void upstreamRejectingTheRequestItselfDoesNotFailOver() {
        fixture.upstream().then(Reply.error(400, "invalid_request_error", "Invalid value for 'logit_bias'.", "invalid_value"));

        TestGateway.Resp resp = Clients.postChat(fixture.gateway(), fixture.key(), chatBody(PAIR, false, null));

        assertThat(resp.status()).isEqualTo(400);
        assertThat(resp.json().path("error").path("message").asText()).contains("logit_bias");
        assertThat(fixture.upstream().requests()).hasSize(1);
    }

    @Test
    void whenEveryDeploymentFailsTheClientGetsTheLastError() {
        fixture.upstream().then(Reply.json(500, Fixtures.text("openai/error-500-server.json")))
                .then(Reply.json(503, Fixtures.text("openai/error-503-overloaded.json")));

        TestGateway.Resp resp = Clients.postChat(fixture.gateway(), fixture.key(), chatBody(PAIR, false, null));

        assertThat(resp.status()).isEqualTo(503);
        assertThat(fixture.upstream().requests()).hasSize(2);
    }

    @Test
    void refusedConnectionFailsOverToTheNextDeployment() {
        // the refusing deployment weighs 1000 to 1, so it is almost always tried first; repeat until it was
        for (int attempt = 0; attempt < 20 && refusedAttempts() == 0; attempt++) {
            TestGateway.Resp resp = Clients.postChat(fixture.gateway(), fixture.key(), chatBody(REFUSING_FIRST, false, null));
            assertThat(resp.status()).isEqualTo(200);
            assertThat(resp.json().path("choices").get(0).path("message").path("content").asText()).startsWith("Hello!");
        }
        assertThat(refusedAttempts()).isPositive();
        assertThat(requestedPaths()).allMatch(p -> p.equals("/ok/v1/chat/completions"));
    }

    /** Failed calls to the refusing deployment, as /metrics reports them. */
    private static long refusedAttempts() {
        String prefix = "tokengate_upstream_errors_total{deployment=\"" + REFUSING_FIRST + "#0/openai\"} ";
        return fixture.gateway().get("/metrics", null).body().lines().filter(l -> l.startsWith(prefix))
                .mapToLong(l -> Long.parseLong(l.substring(prefix.length()).trim())).sum();
    }
}
