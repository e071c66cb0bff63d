package dev.tokengate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrepaidBalanceTest {

    @Test
    void twoHundredConcurrentRequestsAgainstABalanceForFiftyLetExactlyFiftyThrough() {
        try (TestGateway gw = Metered.start(Map.of())) {
            long cost = Metered.costOf(gw, 5);
            String[] user = Metered.user(gw, "fifty");
            Metered.topUp(gw, user[0], 50 * cost);

            List<HttpResponse<String>> responses = Metered.concurrently(List.of(gw), user[1], Metered.chat(5), 200);

            assertThat(Metered.count(responses, 200)).isEqualTo(50);
            assertThat(Metered.count(responses, 402)).isEqualTo(150);
            JsonNode balance = Metered.balance(gw, user[0]);
            assertThat(balance.path("balance_micros").asLong()).isZero();
            assertThat(balance.path("reserved_micros").asLong()).isZero();
            List<JsonNode> usage = Metered.usage(gw, user[0]);
            assertThat(usage).hasSize(50);
            assertThat(Metered.sumOf(usage, "charged_micros")).isEqualTo(50 * cost);
        }
    }

    @Test
    void insufficientBalanceIsA402InOpenAiShapeOnV1() {
        try (TestGateway gw = Metered.start(Map.of())) {
            String[] user = Metered.user(gw, "broke");
            TestGateway.Resp r = gw.post("/v1/chat/completions", user[1], Metered.chat(5));
            assertThat(r.status()).isEqualTo(402);
            JsonNode error = r.json().path("error");
            assertThat(error.path("type").asText()).isEqualTo("insufficient_balance");
            assertThat(error.path("code").asText()).isEqualTo("insufficient_balance");
            assertThat(error.path("message").asText()).contains("$0.000").contains("max_tokens");
            assertThat(r.header("x-should-retry")).isEqualTo("false");
        }
    }

    @Test
    void insufficientBalanceFailsAJobWithA402InTheSeedEnvelope() {
        try (TestGateway gw = Metered.start(Map.of())) {
            String[] user = Metered.user(gw, "broke-jobs");
            TestGateway.Resp r = gw.post("/api/v1/jobs/messages", user[1], "{\"model\":\"metered\",\"response_format\":{\"format\":\"text\"},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
            assertThat(r.status()).isEqualTo(402);
            assertThat(r.json().path("success").asBoolean()).isFalse();
            assertThat(r.json().path("message").asText()).contains("balance");
        }
    }

    @Test
    void anthropicMessagesAreBilledTooAndRefusedWithABillingError() {
        try (TestGateway gw = Metered.start(Map.of())) {
            String[] user = Metered.user(gw, "claude-fan");
            String body = "{\"model\":\"metered\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            TestGateway.Resp refused = gw.post("/v1/messages", user[1], body);
            assertThat(refused.status()).isEqualTo(402);
            assertThat(refused.json().path("error").path("type").asText()).isEqualTo("billing_error");

            Metered.topUp(gw, user[0], 1_000_000);
            TestGateway.Resp ok = gw.post("/v1/messages", user[1], body);
            assertThat(ok.status()).isEqualTo(200);
            long tokens = ok.json().path("usage").path("input_tokens").asLong() + ok.json().path("usage").path("output_tokens").asLong();
            JsonNode record = Metered.usage(gw, user[0]).get(0);
            assertThat(record.path("key_id").asText()).startsWith("key_");
            assertThat(record.path("charged_micros").asLong()).isEqualTo(tokens);
        }
    }

    @Test
    void aRequestIsChargedItsActualCostNotItsWorstCase() {
        try (TestGateway gw = Metered.start(Map.of())) {
            String[] user = Metered.user(gw, "actual");
            Metered.topUp(gw, user[0], 1_000_000);
            // no max_tokens: the worst case counts the 16384-token output cap, the reply is far shorter
            TestGateway.Resp r = gw.post("/v1/chat/completions", user[1],
                    "{\"model\":\"metered\",\"messages\":[{\"role\":\"user\",\"content\":\"Say something.\"}]}");
            assertThat(r.status()).isEqualTo(200);
            long tokens = r.json().path("usage").path("total_tokens").asLong();
            JsonNode balance = Metered.balance(gw, user[0]);
            assertThat(balance.path("balance_micros").asLong()).isEqualTo(1_000_000 - tokens);
            assertThat(balance.path("reserved_micros").asLong()).isZero();
            JsonNode record = Metered.usage(gw, user[0]).get(0);
            assertThat(record.path("request_id").asText()).isEqualTo(r.header("X-Request-Id"));
            assertThat(record.path("model").asText()).isEqualTo("metered");
            assertThat(record.path("deployment").asText()).startsWith("metered#");
            assertThat(record.path("status").asInt()).isEqualTo(200);
            assertThat(record.path("cost_micros").asLong()).isEqualTo(tokens);
            assertThat(record.path("charged_micros").asLong()).isEqualTo(tokens);
            assertThat(record.path("key_id").asText()).startsWith("key_");
        }
    }

    @Test
    void theAdminUserIsUnlimitedAndItsUsageIsStillRecorded() {
        try (TestGateway gw = Metered.start(Map.of())) {
            assertThat(gw.post("/v1/chat/completions", TestGateway.ADMIN_KEY, Metered.chat(5)).status()).isEqualTo(200);
            JsonNode balance = gw.get("/v1/balance", TestGateway.ADMIN_KEY).json();
            assertThat(balance.path("unlimited").asBoolean()).isTrue();
            JsonNode usage = gw.get("/v1/usage", TestGateway.ADMIN_KEY).json().path("data");
            assertThat(usage).hasSize(1);
            assertThat(usage.get(0).path("cost_micros").asLong()).isPositive();
            assertThat(usage.get(0).path("charged_micros").asLong()).isZero();
        }
    }

    @Test
    void aJobIsChargedOnceAndItsCachedTwinIsFree() {
        try (TestGateway gw = Metered.start(Map.of())) {
            String[] user = Metered.user(gw, "jobs");
            Metered.topUp(gw, user[0], 1_000_000);
            String job = "{\"model\":\"metered\",\"response_format\":{\"format\":\"text\"},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Summarise the ledger.\"}]}";
            TestGateway.Resp first = gw.post("/api/v1/jobs/messages", user[1], job);
            TestGateway.Resp second = gw.post("/api/v1/jobs/messages", user[1], job);
            assertThat(first.status()).as(first.body()).isEqualTo(200);
            assertThat(second.status()).as(second.body()).isEqualTo(200);

            // newest first: the twin is a message-cache hit, recorded in the ledger but free
            List<JsonNode> usage = Metered.usage(gw, user[0]);
            assertThat(usage).hasSize(2);
            JsonNode hit = usage.get(0);
            JsonNode charged = usage.get(1);
            assertThat(charged.path("request_id").asText()).isEqualTo(first.json().path("data").path("job_id").asText());
            assertThat(charged.path("cache_hit").asBoolean()).isFalse();
            assertThat(charged.path("charged_micros").asLong()).isPositive();
            assertThat(hit.path("request_id").asText()).isEqualTo(second.json().path("data").path("job_id").asText());
            assertThat(hit.path("cache_hit").asBoolean()).isTrue();
            assertThat(hit.path("charged_micros").asLong()).isZero();
            assertThat(Metered.balance(gw, user[0]).path("balance_micros").asLong())
                    .isEqualTo(1_000_000 - charged.path("charged_micros").asLong());
        }
    }

    @Test
    void aNewUserStartsWithTheConfiguredCreditAsALedgerEntry() {
        try (TestGateway gw = Metered.start(Map.of("billing.new_user_credit_usd", "2.50"))) {
            String[] user = Metered.user(gw, "credited");
            JsonNode own = gw.get("/v1/balance", user[1]).json();
            assertThat(own.path("balance_usd").asText()).isEqualTo("2.500000");
            JsonNode entries = gw.get("/admin/v1/users/" + user[0] + "/balance/entries", TestGateway.ADMIN_KEY).json().path("data");
            assertThat(entries).singleElement().satisfies(e -> {
                assertThat(e.path("kind").asText()).isEqualTo("opening_credit");
                assertThat(e.path("amount_micros").asLong()).isEqualTo(2_500_000);
            });
            assertThat(Json.text(own)).doesNotContain("reason");
        }
    }
}
