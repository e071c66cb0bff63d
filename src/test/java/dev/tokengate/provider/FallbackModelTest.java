package dev.tokengate.provider;

import static dev.tokengate.support.Clients.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.Clients;
import dev.tokengate.support.FakeUpstream;
import dev.tokengate.support.FakeUpstream.Reply;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A model's configured {@code fallbacks}: when every deployment of the requested model failed in a retryable way, the
 * same request goes to the fallback models the caller's tier allows, each at its own deployments and price.
 */
class FallbackModelTest {
    private static final String PRIMARY = "primary-model";
    private static final String BACKUP = "backup-model";
    /** The recorded completion (19 prompt and 10 completion tokens) at each model's price, in micro-dollars. */
    private static final long PRIMARY_COST = 19 * 1 + 10 * 2;
    private static final long BACKUP_COST = 19 * 3 + 10 * 5;

    @TempDir
    Path dir;
    FakeUpstream primary;
    FakeUpstream backup;
    TestGateway gw;

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
        if (primary != null) primary.close();
        if (backup != null) backup.close();
    }

    /** The primary falls back to the dearer backup; user_free may use the primary only. */
    private void start(Map<String, String> overrides) {
        primary = FakeUpstream.start();
        backup = FakeUpstream.start();
        String yaml = """
                models:
                  - name: %s
                    owned_by: test
                    fallbacks: [%s]
                    deployments:
                      - {provider: openai, base_url: "%s", upstream_model: primary-upstream, api_key_env: %s,
                         price: {input_per_m: 1.00, output_per_m: 2.00}}
                  - name: %s
                    owned_by: test
                    deployments:
                      - {provider: openai, base_url: "%s", upstream_model: backup-upstream, api_key_env: %s,
                         price: {input_per_m: 3.00, output_per_m: 5.00}}
                tiers:
                  user_free: {models: [%s]}
                """.formatted(PRIMARY, BACKUP, primary.baseUrl(), UpstreamModels.KEY_ENV, BACKUP, backup.baseUrl(),
                UpstreamModels.KEY_ENV, PRIMARY);
        // users start with nothing; tests that bill top up what they need
        Map<String, String> o = new HashMap<>(Map.of("upstream.first_byte_timeout_ms", "300", "billing.new_user_credit_usd", "0"));
        o.putAll(overrides);
        gw = TestGateway.start(write(yaml), o, UpstreamModels.ENV);
    }

    private Path write(String yaml) {
        try {
            return Files.writeString(dir.resolve("fallbacks.yaml"), yaml);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Reply failure(String kind) {
        return switch (kind) {
            case "500" -> Reply.error(500, "server_error", "primary broke", null);
            case "429" -> Reply.error(429, "rate_limit_exceeded", "primary is busy", null).withHeader("Retry-After", "0");
            case "timeout" -> Reply.silent();
            default -> throw new IllegalArgumentException(kind);
        };
    }

    @ParameterizedTest(name = "primary fails with {0}")
    @ValueSource(strings = {"500", "429", "timeout"})
    void whenThePrimaryFailsInARetryableWayTheFallbackServesAndTheAnswerNamesIt(String kind) {
        start(Map.of());
        primary.always(failure(kind));
        String key = user("fallback-" + kind, "user_pro")[1];

        TestGateway.Resp r = Clients.postChat(gw, key, chatBody(PRIMARY, false, null));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("model").asText()).isEqualTo(BACKUP);
        assertThat(r.json().path("choices").get(0).path("message").path("content").asText()).isNotBlank();
        assertThat(primary.requests()).hasSize(1);
        assertThat(backup.onlyRequest().json().path("model").asText()).isEqualTo("backup-upstream");
    }

    @ParameterizedTest(name = "primary fails with {0}")
    @ValueSource(strings = {"500", "429", "timeout"})
    void aStreamIsServedByTheFallbackWhenThePrimaryFailsBeforeItsFirstChunk(String kind) {
        start(Map.of());
        primary.always(failure(kind));
        backup.always(Reply.sseFixture("openai/stream-text.sse"));
        String key = user("stream-" + kind, "user_pro")[1];

        TestGateway.Resp r = Clients.postChat(gw, key, chatBody(PRIMARY, true, null));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> data = Clients.sseData(r.body());
        assertThat(data).last().isEqualTo("[DONE]");
        StringBuilder text = new StringBuilder();
        for (String event : data.subList(0, data.size() - 1)) {
            JsonNode chunk = Json.parseOrNull(event);
            assertThat(chunk.path("model").asText()).isEqualTo(BACKUP);
            for (JsonNode c : chunk.path("choices")) text.append(c.path("delta").path("content").asText(""));
        }
        assertThat(text).hasToString("Hello there!");
        assertThat(backup.requests()).hasSize(1);
    }

    @Test
    void aStreamThatBrokeAfterItsFirstChunkIsNotMovedToTheFallback() {
        start(Map.of());
        primary.always(Reply.sse().data("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"x\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}").reset());
        String key = user("mid-stream", "user_pro")[1];

        TestGateway.Resp r = Clients.postChat(gw, key, chatBody(PRIMARY, true, null));

        Clients.sseErrorEvent(r);
        assertThat(r.body()).contains("Hel");
        assertThat(backup.requests()).isEmpty();
    }

    @Test
    void aClientErrorOfThePrimaryIsNotSentToTheFallback() {
        start(Map.of());
        primary.always(Reply.error(400, "invalid_request_error", "the primary refuses this", null));
        String key = user("client-error", "user_pro")[1];

        TestGateway.Resp r = Clients.postChat(gw, key, chatBody(PRIMARY, false, null));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("message").asText()).contains("the primary refuses this");
        assertThat(backup.requests()).isEmpty();
    }

    @Test
    void aTierThatMayNotUseTheFallbackGetsThePrimarysError() {
        start(Map.of());
        primary.always(Reply.error(503, "server_error", "primary overloaded", null));
        String key = user("free", "user_free")[1];

        TestGateway.Resp r = Clients.postChat(gw, key, chatBody(PRIMARY, false, null));

        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().path("error").path("message").asText()).contains("primary overloaded");
        assertThat(backup.requests()).isEmpty();
    }

    @Test
    void aPrimaryWithAnOpenBreakerIsSkippedAndTheFallbackServesWithoutWaitingForIt() {
        start(Map.of("routing.breaker_failures", "1", "routing.breaker_open_seconds", "3600"));
        primary.always(Reply.error(500, "server_error", "primary broke", null));
        String key = user("breaker", "user_pro")[1];

        for (int i = 0; i < 3; i++) {
            TestGateway.Resp r = Clients.postChat(gw, key, chatBody(PRIMARY, false, null));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().path("model").asText()).isEqualTo(BACKUP);
        }
        assertThat(primary.requests()).as("the first failure opened the primary's breaker").hasSize(1);
        assertThat(backup.requests()).hasSize(3);
    }

    @Test
    void aHalfOpenFallbackDoesNotTakeRequestsAheadOfAHealthyPrimary() throws InterruptedException {
        start(Map.of("routing.breaker_failures", "1", "routing.breaker_open_seconds", "1"));
        primary.then(Reply.error(500, "server_error", "primary broke", null));
        backup.then(Reply.error(500, "server_error", "backup broke", null));
        String key = user("half-open", "user_pro")[1];
        assertThat(Clients.postChat(gw, key, chatBody(PRIMARY, false, null)).json().path("error").path("message").asText())
                .contains("backup broke");
        Thread.sleep(1_200);
        // both breakers are half-open now; the primary's probe succeeds and closes its breaker
        assertThat(Clients.postChat(gw, key, chatBody(PRIMARY, false, null)).json().path("model").asText()).isEqualTo(PRIMARY);

        TestGateway.Resp r = Clients.postChat(gw, key, chatBody(PRIMARY, false, null));

        assertThat(r.json().path("model").asText()).isEqualTo(PRIMARY);
        assertThat(backup.requests()).as("the backup's probe waits until the primary fails").hasSize(1);
    }

    @Test
    void theLedgerChargesTheServingModelAtItsOwnPrice() {
        start(Map.of());
        String[] user = user("ledger", "user_pro");

        assertThat(Clients.postChat(gw, user[1], chatBody(PRIMARY, false, null)).status()).isEqualTo(200);
        primary.always(failure("500"));
        assertThat(Clients.postChat(gw, user[1], chatBody(PRIMARY, false, null)).status()).isEqualTo(200);

        JsonNode usage = gw.get("/admin/v1/users/" + user[0] + "/usage", TestGateway.ADMIN_KEY).json().path("data");
        assertThat(usage).hasSize(2);
        // newest first
        JsonNode fallenBack = usage.get(0);
        JsonNode direct = usage.get(1);
        assertThat(direct.path("model").asText()).isEqualTo(PRIMARY);
        assertThat(direct.path("charged_micros").asLong()).isEqualTo(PRIMARY_COST);
        assertThat(fallenBack.path("model").asText()).isEqualTo(BACKUP);
        assertThat(fallenBack.path("deployment").asText()).startsWith(BACKUP + "#");
        assertThat(fallenBack.path("charged_micros").asLong()).isEqualTo(BACKUP_COST);
        JsonNode balance = gw.get("/admin/v1/users/" + user[0] + "/balance", TestGateway.ADMIN_KEY).json();
        assertThat(balance.path("balance_micros").asLong()).isEqualTo(1_000_000 - PRIMARY_COST - BACKUP_COST);
        assertThat(balance.path("reserved_micros").asLong()).isZero();
    }

    @Test
    void theBalanceHoldCoversTheDearestModelTheRequestMayFallBackTo() {
        start(Map.of());
        // max_tokens 1000: the primary's worst case is under 3000 micro-dollars (prompt + 2000), the backup's over 5000
        String body = chatBody(PRIMARY, false, "\"max_tokens\":1000");
        String[] pro = user("hold-pro", "user_pro", 3000);
        String[] free = user("hold-free", "user_free", 3000);

        TestGateway.Resp refused = Clients.postChat(gw, pro[1], body);
        assertThat(refused.status()).as(refused.body()).isEqualTo(402);
        assertThat(primary.requests()).isEmpty();

        // a tier without the fallback is held only the primary's worst case
        TestGateway.Resp served = Clients.postChat(gw, free[1], body);
        assertThat(served.status()).as(served.body()).isEqualTo(200);
        assertThat(served.json().path("model").asText()).isEqualTo(PRIMARY);
    }

    /** A user with $1 (or the given micro-dollars) of credit: {id, key}. */
    private String[] user(String name, String tier) {
        return user(name, tier, 1_000_000);
    }

    private String[] user(String name, String tier, long credit) {
        JsonNode u = gw.post("/admin/v1/users", TestGateway.ADMIN_KEY, "{\"name\":\"" + name + "\",\"tier\":\"" + tier + "\"}").json();
        String id = u.path("id").asText();
        TestGateway.Resp topUp = gw.post("/admin/v1/users/" + id + "/balance/topup", TestGateway.ADMIN_KEY,
                "{\"amount_micros\":" + credit + ",\"reason\":\"test\"}");
        assertThat(topUp.status()).as(topUp.body()).isEqualTo(200);
        String key = gw.post("/admin/v1/users/" + id + "/keys", TestGateway.ADMIN_KEY, "{}").json().path("key").asText();
        return new String[]{id, key};
    }
}
