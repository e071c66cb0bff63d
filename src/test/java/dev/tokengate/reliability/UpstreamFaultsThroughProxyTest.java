package dev.tokengate.reliability;

import static dev.tokengate.support.Clients.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.Clients;
import dev.tokengate.support.FakeUpstream;
import dev.tokengate.support.FakeUpstream.Reply;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import dev.tokengate.support.UpstreamModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstream faults injected by a TCP proxy ({@link FaultProxy}) between the gateway and a {@link FakeUpstream}: slow
 * drips, resets part-way, garbage, hanging connections and 429 storms. Model {@code faulty} has only the proxied
 * deployment; {@code failover} has it and a healthy one. Every client request (a plain HTTP client that gives up after
 * 20 s, so an answer inside that is the deadline kept) gets either a clean error in OpenAI's format or, where a healthy
 * deployment exists, a success; a stream that already began ends with an error event, never silently.
 */
class UpstreamFaultsThroughProxyTest {
    @TempDir
    static Path dir;
    static FakeUpstream faultyUpstream;
    static FakeUpstream healthyUpstream;
    static FaultProxy proxy;
    static TestGateway gw;
    static String key;

    @BeforeAll
    static void start() {
        faultyUpstream = FakeUpstream.start();
        healthyUpstream = FakeUpstream.start();
        proxy = new FaultProxy(java.net.URI.create(faultyUpstream.baseUrl()).getPort());
        Path config = new UpstreamModels().model("faulty", proxy.baseUrl())
                .model("failover", new UpstreamModels.Deployment(proxy.baseUrl(), 3), new UpstreamModels.Deployment(healthyUpstream.baseUrl(), 1))
                .writeTo(dir);
        gw = TestGateway.start(config, Map.of("upstream.first_byte_timeout_ms", "1500", "upstream.idle_timeout_ms", "1000",
                "routing.max_retries", "1", "routing.base_delay_ms", "50", "routing.max_delay_ms", "500",
                // breakers would hide the faults from later requests; these tests want every request to meet them
                "routing.breaker_failures", "1000"), UpstreamModels.ENV);
        key = gw.createUserKey("faults", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
        proxy.close();
        faultyUpstream.close();
        healthyUpstream.close();
    }

    static Stream<Arguments> breakingFaults() {
        return Stream.of(
                Arguments.of("reset before the headers end", new FaultProxy.ResetAfter(20)),
                Arguments.of("reset part-way through the body", new FaultProxy.ResetAfter(260)),
                Arguments.of("garbage bytes", new FaultProxy.Garbage(700)),
                Arguments.of("a hanging connection", new FaultProxy.Hang()),
                Arguments.of("a drip slower than the timeouts", new FaultProxy.Drip(4, 1_200)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakingFaults")
    void aBrokenUpstreamGivesACleanErrorOrARetriedSuccess(String name, FaultProxy.Mode fault) {
        for (boolean stream : List.of(false, true)) {
            answerNormally(stream);
            proxy.mode(fault);
            int before = proxy.connections();

            Resp broken = Clients.postChat(gw, key, chatBody("faulty", stream, null));
            assertCleanError(name + (stream ? " (stream)" : ""), broken);

            List<Resp> retried = new ArrayList<>();
            for (int i = 0; i < 3; i++) retried.add(Clients.postChat(gw, key, chatBody("failover", stream, null)));
            for (Resp r : retried) assertSuccess(name + " with a healthy deployment" + (stream ? " (stream)" : ""), r, stream);
            assertThat(proxy.connections()).as("the fault was met").isGreaterThan(before);
            System.out.printf("fault %s%s: %d %s; with failover: %s%n", name, stream ? " (stream)" : "", broken.status(),
                    errorOf(broken).path("code").asText(), retried.stream().map(r -> String.valueOf(r.status())).toList());
        }
        proxy.mode(new FaultProxy.Pass());
    }

    @Test
    void aSlowDripInsideTheTimeoutsDeliversTheWholeAnswer() {
        for (boolean stream : List.of(false, true)) {
            answerNormally(stream);
            proxy.mode(new FaultProxy.Drip(16, 10));
            Resp dripped = Clients.postChat(gw, key, chatBody("faulty", stream, null));
            proxy.mode(new FaultProxy.Pass());
            Resp direct = Clients.postChat(gw, key, chatBody("faulty", stream, null));
            assertSuccess("drip" + (stream ? " (stream)" : ""), dripped, stream);
            assertThat(text(dripped, stream)).isEqualTo(text(direct, stream)).isNotBlank();
        }
    }

    @Test
    void a429StormGivesCleanErrorsOrRetriedSuccesses() {
        faultyUpstream.always(Reply.error(429, "requests", "Rate limit reached for requests", "rate_limit_exceeded")
                .withHeader("Retry-After", "0"));
        healthyUpstream.reset();
        proxy.mode(new FaultProxy.Pass());
        List<CompletableFuture<Resp>> faulty = new ArrayList<>();
        List<CompletableFuture<Resp>> failover = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            faulty.add(CompletableFuture.supplyAsync(() -> Clients.postChat(gw, key, chatBody("faulty", false, null))));
            failover.add(CompletableFuture.supplyAsync(() -> Clients.postChat(gw, key, chatBody("failover", false, null))));
        }
        for (CompletableFuture<Resp> f : faulty) assertCleanError("429 storm", f.join());
        for (CompletableFuture<Resp> f : failover) assertSuccess("429 storm with a healthy deployment", f.join(), false);
        assertThat(faultyUpstream.requests().size()).as("the storm was met").isGreaterThanOrEqualTo(20);
        System.out.printf("fault 429 storm: 20 of 20 clean %s errors; with failover 20 of 20 succeeded%n",
                faulty.stream().map(f -> f.join().status()).distinct().toList());
        faultyUpstream.reset();
    }

    private static void answerNormally(boolean stream) {
        faultyUpstream.reset();
        healthyUpstream.reset();
        if (stream) {
            faultyUpstream.always(Reply.sseFixture("openai/stream-text.sse"));
            healthyUpstream.always(Reply.sseFixture("openai/stream-text.sse"));
        }
    }

    /** A clean error: an error status with OpenAI's error object, or a stream that began and ends with an error event. */
    private static void assertCleanError(String what, Resp r) {
        if (r.status() == 200) {
            JsonNode error = Clients.sseErrorEvent(r);
            assertThat(error.path("message").asText()).as(what).isNotBlank();
            return;
        }
        assertThat(r.status()).as(what + ": " + r.body()).isIn(429, 502, 503, 504);
        JsonNode error = errorOf(r);
        assertThat(error.path("message").asText()).as(what + ": " + r.body()).isNotBlank();
        assertThat(error.path("type").isTextual()).as(what + ": " + r.body()).isTrue();
        assertThat(error.has("param") && error.has("code")).as(what + ": " + r.body()).isTrue();
    }

    private static void assertSuccess(String what, Resp r, boolean stream) {
        assertThat(r.status()).as(what + ": " + r.body()).isEqualTo(200);
        if (stream) assertThat(Clients.sseData(r.body())).as(what).endsWith("[DONE]");
        else assertThat(r.json().path("choices").path(0).path("message").path("content").asText()).as(what).isNotBlank();
    }

    private static JsonNode errorOf(Resp r) {
        JsonNode body = Json.parseOrNull(r.body());
        return body == null ? Json.object() : body.path("error");
    }

    private static String text(Resp r, boolean stream) {
        if (!stream) return r.json().path("choices").path(0).path("message").path("content").asText();
        StringBuilder sb = new StringBuilder();
        for (String data : Clients.sseData(r.body())) {
            if (data.equals("[DONE]")) continue;
            JsonNode chunk = Json.parseOrNull(data);
            sb.append(chunk.path("choices").path(0).path("delta").path("content").asText(""));
        }
        return sb.toString();
    }
}
