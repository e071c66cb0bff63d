package dev.tokengate.provider;

import static dev.tokengate.support.Clients.chatBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.InternalServerException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tokengate.support.FakeUpstream.Reply;
import dev.tokengate.support.GatewayWithFakeUpstream;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client's deadline ({@code x-tokengate-timeout-ms}, or the {@code X-Stainless-Timeout} / {@code
 * X-Stainless-Read-Timeout} the official SDKs send) bounds the failover loop: no backoff that would end after it, and
 * an upstream's silence is cut at it rather than at the much longer first-byte timeout. Retries are on (two rounds)
 * and the upstream timeouts are long, so any early answer here is the deadline's doing. Time bounds are generous: each
 * test contrasts a deadline of a second or two with a wait of 20 to 30 seconds.
 */
class ClientDeadlineTest {
    private static final String MODEL = "deadline-model";
    private static final int FIRST_BYTE_TIMEOUT_MS = 20_000;
    /** What a deadline-bound answer may take beyond the deadline on a busy machine. */
    private static final long SLACK_MS = 2_000;
    @RegisterExtension
    static final GatewayWithFakeUpstream fixture = GatewayWithFakeUpstream.serving(
            upstream -> new UpstreamModels().model(MODEL, upstream.baseUrl()),
            Map.of("upstream.first_byte_timeout_ms", String.valueOf(FIRST_BYTE_TIMEOUT_MS),
                    "upstream.idle_timeout_ms", String.valueOf(FIRST_BYTE_TIMEOUT_MS),
                    "routing.max_retries", "2",
                    "routing.base_delay_ms", "20",
                    "routing.max_delay_ms", "60000",
                    "routing.breaker_failures", "1000"));

    private static TestGateway.Resp post(String path, String apiKey, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fixture.gateway().baseUrl() + path))
                .timeout(Duration.ofSeconds(40))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return fixture.gateway().send(b, apiKey);
    }

    private static TestGateway.Resp chat(boolean stream, String... headers) {
        return post("/v1/chat/completions", fixture.key(), chatBody(MODEL, stream, null), headers);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void retryAfterLongerThanTheDeadlineEndsTheRetriesAndTheUpstreamErrorArrivesBeforeTheDeadline() {
        fixture.upstream().always(Reply.error(503, "server_error", "overloaded", null).withHeader("Retry-After", "30"));

        long start = System.nanoTime();
        TestGateway.Resp resp = chat(false, "x-tokengate-timeout-ms", "2000");

        assertThat(millisSince(start)).as("answered within the 2 s deadline + slack while the Retry-After was 30 s")
                .isLessThan(2_000 + SLACK_MS);
        assertThat(resp.status()).as(resp.body()).isEqualTo(503);
        assertThat(resp.header("Retry-After")).isEqualTo("30");
        assertThat(resp.json().path("error").path("message").asText()).contains("overloaded");
        assertThat(fixture.upstream().requests()).hasSize(1);
    }

    @Test
    void retryAfterThatEndsWithinTheDeadlineIsStillWaitedOutAndRetried() {
        fixture.upstream().then(Reply.error(503, "server_error", "overloaded", null).withHeader("Retry-After", "1"));

        TestGateway.Resp resp = chat(false, "x-tokengate-timeout-ms", "15000");

        assertThat(resp.status()).as(resp.body()).isEqualTo(200);
        assertThat(fixture.upstream().requests()).hasSize(2);
    }

    @Test
    void silentUpstreamIsCutAtTheClientDeadlineInsteadOfTheFirstByteTimeout() {
        fixture.upstream().always(Reply.silent());

        long start = System.nanoTime();
        TestGateway.Resp resp = chat(false, "x-tokengate-timeout-ms", "1500");

        long took = millisSince(start);
        assertThat(took).as("cut at about the 1.5 s deadline, not the 20 s first-byte timeout").isBetween(1_000L, 1_500 + SLACK_MS);
        assertThat(resp.status()).as(resp.body()).isEqualTo(504);
        JsonNode error = resp.json().path("error");
        assertThat(error.path("type").asText()).isEqualTo("timeout_error");
        assertThat(error.path("code").asText()).isEqualTo("deadline_exceeded");
        assertThat(error.path("message").asText()).contains("x-tokengate-timeout-ms");
        // the deadline ended the request: no further attempt or round, and the upstream call was reset
        assertThat(fixture.upstream().requests()).hasSize(1);
        fixture.upstream().onlyRequest().awaitAbandoned();
    }

    @Test
    void silentUpstreamOfAStreamIsCutAtTheClientDeadlineWithA504BeforeAnyChunk() {
        fixture.upstream().always(Reply.silent());

        long start = System.nanoTime();
        TestGateway.Resp resp = chat(true, "x-tokengate-timeout-ms", "1500");

        assertThat(millisSince(start)).isLessThan(1_500 + SLACK_MS);
        assertThat(resp.status()).as(resp.body()).isEqualTo(504);
        assertThat(resp.json().path("error").path("code").asText()).isEqualTo("deadline_exceeded");
        fixture.upstream().onlyRequest().awaitAbandoned();
    }

    @Test
    void stainlessTimeoutOnTheAnthropicRouteEndsIn504TimeoutErrorInAnthropicsShape() {
        fixture.upstream().always(Reply.silent());
        String body = "{\"model\":\"" + MODEL + "\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

        long start = System.nanoTime();
        TestGateway.Resp resp = post("/v1/messages", fixture.key(), body,
                "anthropic-version", "2023-06-01", "X-Stainless-Timeout", "2");

        assertThat(millisSince(start)).isLessThan(2_000 + SLACK_MS);
        assertThat(resp.status()).as(resp.body()).isEqualTo(504);
        JsonNode json = resp.json();
        assertThat(json.path("type").asText()).isEqualTo("error");
        assertThat(json.path("error").path("type").asText()).isEqualTo("timeout_error");
        assertThat(json.path("error").path("message").asText()).contains("X-Stainless-Timeout");
    }

    @Test
    void stainlessReadTimeoutAsOpenAiPythonSendsItBoundsTheWait() {
        fixture.upstream().always(Reply.silent());

        long start = System.nanoTime();
        TestGateway.Resp resp = chat(false, "X-Stainless-Read-Timeout", "1.5");

        assertThat(millisSince(start)).isLessThan(1_500 + SLACK_MS);
        assertThat(resp.status()).as(resp.body()).isEqualTo(504);
        assertThat(resp.json().path("error").path("message").asText()).contains("X-Stainless-Read-Timeout");
    }

    @Test
    void openAiJavaSdkTimeoutReachesTheGatewayAndTheSdkGetsA504BeforeItsOwnTimeout() {
        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(fixture.gateway().openAiBaseUrl()).apiKey(fixture.key())
                .maxRetries(0).timeout(Duration.ofSeconds(6)).build();
        try {
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Say hello").build();
            // a first call loads the SDK's classes, which can take seconds on a busy machine: not part of what is timed
            sdk.chat().completions().create(params);
            fixture.upstream().reset();
            fixture.upstream().always(Reply.silent());

            long start = System.nanoTime();
            // the SDK sends X-Stainless-Timeout: 6 and gives up after 6 s with an OpenAIIoException; the gateway answers a
            // tenth earlier, so the SDK gets the gateway's 504 (an InternalServerException) instead
            assertThatThrownBy(() -> sdk.chat().completions().create(params))
                    .isInstanceOfSatisfying(InternalServerException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(504);
                        assertThat(e.code()).hasValue("deadline_exceeded");
                        assertThat(e.getMessage()).contains("X-Stainless-Timeout");
                    });
            assertThat(millisSince(start)).as("the 6 s deadline, not the 20 s first-byte timeout").isLessThan(6_000 + SLACK_MS);
            assertThat(fixture.upstream().requests()).hasSize(1);
        } finally {
            sdk.close();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "x-tokengate-timeout-ms | soon",
            "x-tokengate-timeout-ms | 0",
            "x-tokengate-timeout-ms | -5",
            "x-tokengate-timeout-ms | 1.5",
            "X-Stainless-Timeout | -1",
            "X-Stainless-Timeout | ten",
            "X-Stainless-Read-Timeout | 1e3",
            "X-Stainless-Read-Timeout | 5.",
    })
    void invalidTimeoutHeaderIsA400NamingTheHeader(String header, String value) {
        TestGateway.Resp resp = chat(false, header, value);

        assertThat(resp.status()).as(resp.body()).isEqualTo(400);
        JsonNode error = resp.json().path("error");
        assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("param").asText()).isEqualTo(header);
        assertThat(error.path("message").asText()).contains("'" + header + "'");
        assertThat(fixture.upstream().requests()).isEmpty();
    }

    @Test
    void invalidTimeoutHeaderOnTheAnthropicRouteIsA400InAnthropicsShape() {
        String body = "{\"model\":\"" + MODEL + "\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

        TestGateway.Resp resp = post("/v1/messages", fixture.key(), body,
                "anthropic-version", "2023-06-01", "x-tokengate-timeout-ms", "abc");

        assertThat(resp.status()).as(resp.body()).isEqualTo(400);
        assertThat(resp.json().path("type").asText()).isEqualTo("error");
        assertThat(resp.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(resp.json().path("error").path("message").asText()).contains("x-tokengate-timeout-ms");
    }

    @Test
    void absurdlyLongDeadlineIsClampedAndAZeroFromAnSdkIsIgnored() {
        assertThat(chat(false, "x-tokengate-timeout-ms", "99999999999999999999999").status()).isEqualTo(200);
        assertThat(chat(false, "X-Stainless-Timeout", "1000000000").status()).isEqualTo(200);
        // the SDKs truncate to whole seconds: 0 is a timeout under a second, too little to tell
        assertThat(chat(false, "X-Stainless-Timeout", "0").status()).isEqualTo(200);
    }

    @Test
    void requestEndedByItsDeadlineReleasesItsHoldAndIsSettledOnceWithoutCharge() throws InterruptedException {
        String payer = fixture.gateway().createUserKey("deadline-payer", "user_pro");
        JsonNode before = fixture.gateway().get("/v1/balance", payer).json();
        fixture.upstream().always(Reply.silent());

        TestGateway.Resp resp = post("/v1/chat/completions", payer, chatBody(MODEL, false, null), "x-tokengate-timeout-ms", "1000");
        assertThat(resp.status()).as(resp.body()).isEqualTo(504);

        List<JsonNode> rows = awaitUsage(payer);
        Thread.sleep(300);
        rows = fixture.gateway().get("/v1/usage", payer).json().path("data").valueStream().toList();
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).path("status").asInt()).isEqualTo(504);
        assertThat(rows.get(0).path("charged_micros").asLong()).isZero();
        JsonNode after = fixture.gateway().get("/v1/balance", payer).json();
        assertThat(after.path("balance_micros").asLong()).isEqualTo(before.path("balance_micros").asLong());
        assertThat(after.path("reserved_micros").asLong()).isZero();
    }

    @Test
    void simulatedModelSlowerThanTheDeadlineIsCutAtItToo() {
        try (TestGateway sim = TestGateway.start(Map.of("simulated.ttft_ms", "20000"))) {
            String simKey = sim.createUserKey("simulated-deadline", "user_go");
            for (boolean stream : new boolean[] {false, true}) {
                long start = System.nanoTime();
                TestGateway.Resp resp = sim.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/v1/chat/completions"))
                        .timeout(Duration.ofSeconds(40)).header("Content-Type", "application/json")
                        .header("x-tokengate-timeout-ms", "1500")
                        .POST(HttpRequest.BodyPublishers.ofString(chatBody("gpt-auto", stream, null))), simKey);

                assertThat(millisSince(start)).as("stream=%s", stream).isLessThan(1_500 + SLACK_MS);
                assertThat(resp.status()).as(resp.body()).isEqualTo(504);
                assertThat(resp.json().path("error").path("code").asText()).isEqualTo("deadline_exceeded");
            }
        }
    }

    private static List<JsonNode> awaitUsage(String apiKey) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < until) {
            List<JsonNode> rows = fixture.gateway().get("/v1/usage", apiKey).json().path("data").valueStream().toList();
            if (!rows.isEmpty()) return rows;
            Thread.sleep(20);
        }
        throw new AssertionError("no usage record within 10 s");
    }
}
