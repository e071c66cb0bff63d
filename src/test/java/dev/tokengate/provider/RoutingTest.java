package dev.tokengate.provider;

import static dev.tokengate.support.Clients.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.Clients;
import dev.tokengate.support.FakeUpstream;
import dev.tokengate.support.FakeUpstream.Reply;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries with backoff over a model's deployments, and the circuit breaker that skips a failing deployment. */
class RoutingTest {
    private static final String SINGLE = "single-model";
    private static final String PAIR = "pair-model";
    @TempDir
    Path dir;
    FakeUpstream bad;
    FakeUpstream good;
    TestGateway gw;

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
        if (bad != null) bad.close();
        if (good != null) good.close();
    }

    private String start(Map<String, String> routing) {
        bad = FakeUpstream.start();
        good = FakeUpstream.start();
        Path config = new UpstreamModels().model(SINGLE, good.baseUrl()).model(PAIR, bad.baseUrl(), good.baseUrl()).writeTo(dir);
        gw = TestGateway.start(config, routing, UpstreamModels.ENV);
        return gw.createUserKey("routing", "user_pro");
    }

    @Test
    void aSingleDeploymentThatFailsOnceIsRetriedAfterABackoffAndTheClientSeesSuccess() {
        String key = start(Map.of("routing.max_retries", "2", "routing.base_delay_ms", "20"));
        good.then(Reply.error(503, "server_error", "overloaded", null)).then(Reply.error(429, "rate_limit", "slow down", null));
        var r = Clients.postChat(gw, key, chatBody(SINGLE, false, null));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(good.requests()).hasSize(3);
    }

    @Test
    void retriesStopWhenTheyAreUsedUpAndTheLastErrorReachesTheClient() {
        String key = start(Map.of("routing.max_retries", "1", "routing.base_delay_ms", "20"));
        good.always(Reply.error(503, "server_error", "overloaded", null));
        var r = Clients.postChat(gw, key, chatBody(SINGLE, false, null));
        assertThat(r.status()).isEqualTo(503);
        assertThat(good.requests()).hasSize(2);
    }

    @Test
    void aClientErrorIsNeverRetried() {
        String key = start(Map.of("routing.max_retries", "3", "routing.base_delay_ms", "20"));
        good.always(Reply.error(400, "invalid_request_error", "bad", null));
        assertThat(Clients.postChat(gw, key, chatBody(SINGLE, false, null)).status()).isEqualTo(400);
        assertThat(good.requests()).hasSize(1);
    }

    @Test
    void theBreakerOpensAfterConsecutiveFailuresSkipsTheDeploymentAndShowsItInDeploymentHealth() {
        String key = start(Map.of("routing.breaker_failures", "2", "routing.breaker_open_seconds", "3600"));
        bad.always(Reply.error(500, "server_error", "broken", null));
        for (int i = 0; i < 12; i++) {
            assertThat(Clients.postChat(gw, key, chatBody(PAIR, false, null)).status()).isEqualTo(200);
        }
        // the weighted pick tries the bad deployment first about half the time: without the breaker it would have
        // been asked about six times; with it, twice at most
        assertThat(bad.requests().size()).isBetween(1, 2);
        JsonNode health = gw.get("/admin/v1/deployments", TestGateway.ADMIN_KEY).json();
        JsonNode badOne = find(health, bad.baseUrl());
        assertThat(badOne.path("state").asText()).isEqualTo(bad.requests().size() == 2 ? "open" : "closed");
        assertThat(find(health, good.baseUrl()).path("state").asText()).isEqualTo("closed");
        assertThat(find(health, good.baseUrl()).path("successes").asLong()).isGreaterThanOrEqualTo(12);
    }

    @Test
    void anOpenBreakerLetsOneProbeThroughAfterItsOpenTimeAndClosesWhenTheProbeSucceeds() throws Exception {
        String key = start(Map.of("routing.breaker_failures", "1", "routing.breaker_open_seconds", "1"));
        bad.always(Reply.error(500, "server_error", "broken", null));
        for (int i = 0; i < 50 && bad.requests().isEmpty(); i++) Clients.postChat(gw, key, chatBody(PAIR, false, null));
        assertThat(bad.requests()).as("the weighted pick never tried the failing deployment").isNotEmpty();
        assertThat(find(gw.get("/admin/v1/deployments", TestGateway.ADMIN_KEY).json(), bad.baseUrl()).path("state").asText())
                .isEqualTo("open");
        bad.reset();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (bad.requests().isEmpty() && System.nanoTime() < deadline) {
            assertThat(Clients.postChat(gw, key, chatBody(PAIR, false, null)).status()).isEqualTo(200);
            Thread.sleep(50);
        }
        assertThat(bad.requests()).isNotEmpty();
        assertThat(find(gw.get("/admin/v1/deployments", TestGateway.ADMIN_KEY).json(), bad.baseUrl()).path("state").asText())
                .isEqualTo("closed");
    }

    @Test
    void deploymentHealthNeedsTheAdminKey() {
        String key = start(Map.of());
        assertThat(gw.get("/admin/v1/deployments", key).status()).isEqualTo(403);
    }

    private static JsonNode find(JsonNode list, String baseUrl) {
        for (JsonNode d : list.path("data")) {
            if (PAIR.equals(d.path("model").asText()) && baseUrl.equals(d.path("base_url").asText())) return d;
        }
        throw new AssertionError("no deployment " + baseUrl + " in " + list);
    }
}
