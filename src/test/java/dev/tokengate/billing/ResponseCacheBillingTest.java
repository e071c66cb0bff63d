package dev.tokengate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The opt-in response cache of /v1/chat/completions ({@code x-tokengate-cache-ttl}): hits are usage records with
 * cache_hit true, free by default, never charged the upstream tokens (the job message cache: PrepaidBalanceTest).
 */
class ResponseCacheBillingTest {
    private static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = Metered.start(Map.of());
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    static TestGateway.Resp cachedChat(TestGateway gw, String key, String body, String ttl) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (ttl != null) b.header("x-tokengate-cache-ttl", ttl);
        return gw.send(b, key);
    }

    static String chat(String question, boolean stream) {
        return "{\"model\":\"metered\",\"max_tokens\":8," + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    @Test
    void aRepeatedRequestIsAFreeCacheHitInTheLedger() {
        String[] user = Metered.user(gw, "cache-hit");
        Metered.topUp(gw, user[0], 1_000_000);
        TestGateway.Resp first = cachedChat(gw, user[1], chat("What is a ledger?", false), "300");
        TestGateway.Resp second = cachedChat(gw, user[1], chat("What is a ledger?", false), "300");

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.header("x-tokengate-cache")).isEqualTo("miss");
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.header("x-tokengate-cache")).isEqualTo("hit");
        assertThat(second.json().path("choices")).isEqualTo(first.json().path("choices"));
        long cost = first.json().path("usage").path("total_tokens").asLong();

        List<JsonNode> usage = Metered.usage(gw, user[0]);
        assertThat(usage).hasSize(2);
        JsonNode hit = usage.get(0);
        JsonNode miss = usage.get(1);
        assertThat(miss.path("cache_hit").asBoolean()).isFalse();
        assertThat(miss.path("charged_micros").asLong()).isEqualTo(cost);
        assertThat(hit.path("cache_hit").asBoolean()).isTrue();
        assertThat(hit.path("cost_micros").asLong()).isZero();
        assertThat(hit.path("charged_micros").asLong()).isZero();
        assertThat(hit.path("deployment").isNull()).isTrue();
        assertThat(hit.path("completion_tokens").asLong()).isEqualTo(first.json().path("usage").path("completion_tokens").asLong());
        assertThat(hit.path("request_id").asText()).isEqualTo(second.header("X-Request-Id"));
        assertThat(Metered.balance(gw, user[0]).path("balance_micros").asLong()).isEqualTo(1_000_000 - cost);
    }

    @Test
    void withoutTheHeaderNothingIsCached() {
        String[] user = Metered.user(gw, "cache-off");
        Metered.topUp(gw, user[0], 1_000_000);
        TestGateway.Resp first = cachedChat(gw, user[1], chat("No cache please", false), null);
        TestGateway.Resp second = cachedChat(gw, user[1], chat("No cache please", false), null);
        assertThat(first.header("x-tokengate-cache")).isNull();
        assertThat(second.header("x-tokengate-cache")).isNull();
        assertThat(Metered.usage(gw, user[0])).extracting(r -> r.path("cache_hit").asBoolean()).containsExactly(false, false);
    }

    @Test
    void anotherUsersIdenticalRequestIsNotAHit() {
        String[] a = Metered.user(gw, "cache-a");
        String[] b = Metered.user(gw, "cache-b");
        Metered.topUp(gw, a[0], 1_000_000);
        Metered.topUp(gw, b[0], 1_000_000);
        cachedChat(gw, a[1], chat("Shared question", false), "300");
        TestGateway.Resp other = cachedChat(gw, b[1], chat("Shared question", false), "300");
        assertThat(other.header("x-tokengate-cache")).isEqualTo("miss");
        assertThat(Metered.usage(gw, b[0]).get(0).path("charged_micros").asLong()).isPositive();
    }

    @Test
    void aCachedAnswerIsReplayedAsSseToAStreamingRequest() {
        String[] user = Metered.user(gw, "cache-stream");
        Metered.topUp(gw, user[0], 1_000_000);
        TestGateway.Resp plain = cachedChat(gw, user[1], chat("Stream it back", false), "300");
        TestGateway.Resp streamed = cachedChat(gw, user[1], chat("Stream it back", true), "300");

        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.header("Content-Type")).startsWith("text/event-stream");
        assertThat(streamed.header("x-tokengate-cache")).isEqualTo("hit");
        assertThat(streamed.body().strip()).endsWith("data: [DONE]");
        assertThat(contentOf(streamed.body())).isEqualTo(plain.json().path("choices").get(0).path("message").path("content").asText());

        JsonNode hit = Metered.usage(gw, user[0]).get(0);
        assertThat(hit.path("cache_hit").asBoolean()).isTrue();
        assertThat(hit.path("stream").asBoolean()).isTrue();
        assertThat(hit.path("charged_micros").asLong()).isZero();
    }

    @Test
    void aStreamedAnswerIsCachedForThePlainRequestThatFollows() {
        String[] user = Metered.user(gw, "cache-from-stream");
        Metered.topUp(gw, user[0], 1_000_000);
        TestGateway.Resp streamed = cachedChat(gw, user[1], chat("Cache the stream", true), "300");
        TestGateway.Resp plain = cachedChat(gw, user[1], chat("Cache the stream", false), "300");

        assertThat(streamed.header("x-tokengate-cache")).isEqualTo("miss");
        assertThat(plain.header("x-tokengate-cache")).isEqualTo("hit");
        assertThat(plain.json().path("choices").get(0).path("message").path("content").asText()).isEqualTo(contentOf(streamed.body()));
        assertThat(plain.json().path("usage").path("completion_tokens").asInt()).isEqualTo(8);
    }

    @Test
    void aHitCostsTheConfiguredPercentOfTheCachedAnswer() {
        try (TestGateway half = Metered.start(Map.of("billing.cache_hit_percent", "50"))) {
            String[] user = Metered.user(half, "half-price");
            Metered.topUp(half, user[0], 1_000_000);
            TestGateway.Resp first = cachedChat(half, user[1], chat("Half price please", false), "60");
            TestGateway.Resp second = cachedChat(half, user[1], chat("Half price please", false), "60");
            assertThat(second.header("x-tokengate-cache")).isEqualTo("hit");
            long cost = first.json().path("usage").path("total_tokens").asLong();
            JsonNode hit = Metered.usage(half, user[0]).get(0);
            assertThat(hit.path("cache_hit").asBoolean()).isTrue();
            assertThat(hit.path("charged_micros").asLong()).isEqualTo((cost + 1) / 2);
            assertThat(Metered.balance(half, user[0]).path("balance_micros").asLong()).isEqualTo(1_000_000 - cost - (cost + 1) / 2);
        }
    }

    @Test
    void aBadTtlHeaderIsA400NamingTheHeader() {
        String key = Metered.user(gw, "cache-bad-ttl")[1];
        for (String bad : List.of("0", "abc", "86401", "-5")) {
            TestGateway.Resp r = cachedChat(gw, key, chat("bad ttl", false), bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().path("error").path("param").asText()).isEqualTo("x-tokengate-cache-ttl");
        }
    }

    /** The concatenated content deltas of an SSE body. */
    static String contentOf(String sse) {
        StringBuilder sb = new StringBuilder();
        List<String> frames = new ArrayList<>();
        for (String line : sse.split("\n")) if (line.startsWith("data: ") && !line.equals("data: [DONE]")) frames.add(line.substring(6));
        for (String f : frames) {
            for (JsonNode c : Json.parseOrNull(f).path("choices")) {
                JsonNode content = c.path("delta").path("content");
                if (content.isTextual()) sb.append(content.asText());
            }
        }
        return sb.toString();
    }
}
