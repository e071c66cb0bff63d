package dev.tokengate.provider;

import static dev.tokengate.support.Clients.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.Clients;
import dev.tokengate.support.FakeUpstream.Reply;
import dev.tokengate.support.Fixtures;
import dev.tokengate.support.GatewayWithFakeUpstream;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A call that finds every upstream connection busy waits for one no longer than the connect timeout, then fails as a
 * timeout (retryable, so another deployment would be tried). One event loop and one connection make the pool full.
 */
class UpstreamPoolWaitTest {
    private static final String MODEL = "pool-model";
    private static final int CONNECT_TIMEOUT_MS = 300;
    @RegisterExtension
    static final GatewayWithFakeUpstream fixture = GatewayWithFakeUpstream.serving(
            upstream -> new UpstreamModels().model(MODEL, upstream.baseUrl()),
            Map.of("server.event_loops", "1", "upstream.max_connections", "1",
                    "upstream.connect_timeout_ms", String.valueOf(CONNECT_TIMEOUT_MS)));

    @Test
    void callWaitingForABusyUpstreamConnectionFailsAfterTheConnectTimeoutAndThePoolServesAgainAfterwards() throws Exception {
        String answer = Fixtures.text("openai/completion-text.json");
        fixture.upstream().then(Reply.delayed(3000, Reply.json(200, answer))).always(Reply.json(200, answer));
        CompletableFuture<TestGateway.Resp> holder = CompletableFuture.supplyAsync(
                () -> Clients.postChat(fixture.gateway(), fixture.key(), chatBody(MODEL, false, null)));
        long deadline = System.currentTimeMillis() + 5000;
        while (fixture.upstream().requests().isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(10);

        long started = System.nanoTime();
        TestGateway.Resp waiting = Clients.postChat(fixture.gateway(), fixture.key(), chatBody(MODEL, false, null));
        long waitedMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(waiting.status()).isEqualTo(504);
        assertThat(waiting.json().path("error").path("code").asText()).isEqualTo("upstream_timeout");
        assertThat(waiting.json().path("error").path("message").asText()).contains("connect_timeout_ms");
        assertThat(waitedMs).as("the wait is bounded by the connect timeout, not the held call's 3 s").isLessThan(2500);
        assertThat(fixture.upstream().requests()).hasSize(1);
        assertThat(holder.get().status()).isEqualTo(200);
        assertThat(Clients.postChat(fixture.gateway(), fixture.key(), chatBody(MODEL, false, null)).status()).isEqualTo(200);
    }
}
