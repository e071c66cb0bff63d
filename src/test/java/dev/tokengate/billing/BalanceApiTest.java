package dev.tokengate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin balance routes and each user's own view, as documented in docs/ACCOUNTS.md. */
class BalanceApiTest {
    private static final String ADMIN = TestGateway.ADMIN_KEY;

    @Test
    void topUpAndAdjustWriteEntriesWithTheirReasonsAndTheBalanceAddsUp() {
        try (TestGateway gw = Metered.start(Map.of())) {
            String[] user = Metered.user(gw, "ledger");
            String base = "/admin/v1/users/" + user[0] + "/balance";
            TestGateway.Resp topUp = gw.post(base + "/topup", ADMIN, "{\"amount_usd\":\"10.50\",\"reason\":\"invoice 42\"}");
            assertThat(topUp.status()).isEqualTo(200);
            assertThat(topUp.json().path("kind").asText()).isEqualTo("topup");
            assertThat(topUp.json().path("amount_micros").asLong()).isEqualTo(10_500_000);
            assertThat(topUp.json().path("balance").path("balance_usd").asText()).isEqualTo("10.500000");
            TestGateway.Resp adjust = gw.post(base + "/adjust", ADMIN, "{\"delta_micros\":-500000,\"reason\":\"goodwill reversal\"}");
            assertThat(adjust.status()).isEqualTo(200);
            assertThat(adjust.json().path("balance_after_micros").asLong()).isEqualTo(10_000_000);

            JsonNode entries = gw.get(base + "/entries", ADMIN).json().path("data");
            assertThat(entries).extracting(e -> e.path("reason").asText()).containsExactly("goodwill reversal", "invoice 42");
            JsonNode balance = gw.get(base, ADMIN).json();
            assertThat(balance.path("balance_micros").asLong()).isEqualTo(10_000_000);
            assertThat(balance.path("available_micros").asLong()).isEqualTo(10_000_000);
            assertThat(balance.path("unlimited").asBoolean()).isFalse();
        }
    }

    @Test
    void anAdjustmentBelowZeroIsRefusedWith409() {
        try (TestGateway gw = Metered.start(Map.of())) {
            String[] user = Metered.user(gw, "small");
            Metered.topUp(gw, user[0], 1_000);
            TestGateway.Resp r = gw.post("/admin/v1/users/" + user[0] + "/balance/adjust", ADMIN,
                    "{\"delta_micros\":-1001,\"reason\":\"too much\"}");
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.json().path("error").path("code").asText()).isEqualTo("balance_would_go_negative");
            assertThat(Metered.balance(gw, user[0]).path("balance_micros").asLong()).isEqualTo(1_000);
        }
    }

    @Test
    void badAmountsAndMissingReasonsAre400sNamingTheField() {
        try (TestGateway gw = Metered.start(Map.of())) {
            String base = "/admin/v1/users/" + Metered.user(gw, "strict")[0] + "/balance";
            assertThat(error(gw.post(base + "/topup", ADMIN, "{\"amount_usd\":\"1.0000001\"}"), 400)).isEqualTo("amount_usd");
            assertThat(error(gw.post(base + "/topup", ADMIN, "{\"amount_usd\":\"-1\"}"), 400)).isEqualTo("amount_usd");
            assertThat(error(gw.post(base + "/topup", ADMIN, "{\"amount_usd\":1,\"amount_micros\":5}"), 400)).isEqualTo("amount_usd");
            assertThat(error(gw.post(base + "/topup", ADMIN, "{\"amount_micros\":1.5}"), 400)).isEqualTo("amount_micros");
            assertThat(error(gw.post(base + "/adjust", ADMIN, "{\"delta\":5,\"reason\":\"x\"}"), 400)).isEqualTo("delta_usd");
            assertThat(error(gw.post(base + "/adjust", ADMIN, "{\"delta_usd\":\"2\"}"), 400)).isEqualTo("reason");
            assertThat(error(gw.post(base + "/adjust", ADMIN, "{\"delta_usd\":0,\"reason\":\"x\"}"), 400)).isEqualTo("delta_usd");
            assertThat(error(gw.get("/v1/usage?from=yesterday", ADMIN), 400)).isEqualTo("from");
            assertThat(error(gw.get("/v1/usage?limit=0", ADMIN), 400)).isEqualTo("limit");
        }
    }

    @Test
    void balanceRoutesOfAnUnknownUserAre404AndNeedTheAdminKey() {
        try (TestGateway gw = Metered.start(Map.of())) {
            assertThat(gw.get("/admin/v1/users/user_nobody/balance", ADMIN).status()).isEqualTo(404);
            assertThat(gw.post("/admin/v1/users/user_nobody/balance/topup", ADMIN, "{\"amount_usd\":1}").status()).isEqualTo(404);
            String[] user = Metered.user(gw, "curious");
            assertThat(gw.get("/admin/v1/users/" + user[0] + "/balance", user[1]).status()).isEqualTo(403);
            assertThat(gw.post("/admin/v1/users/" + user[0] + "/balance/topup", user[1], "{\"amount_usd\":1}").status()).isEqualTo(403);
        }
    }

    @Test
    void aUserReadsOnlyTheirOwnBalanceAndUsageFilteredByModel() {
        try (TestGateway gw = Metered.start(Map.of())) {
            String[] alice = Metered.user(gw, "alice");
            String[] bob = Metered.user(gw, "bob");
            Metered.topUp(gw, alice[0], 1_000_000);
            Metered.topUp(gw, bob[0], 2_000_000);
            for (int i = 0; i < 3; i++) assertThat(gw.post("/v1/chat/completions", alice[1], Metered.chat(5)).status()).isEqualTo(200);
            assertThat(gw.post("/v1/chat/completions", alice[1],
                    "{\"model\":\"gpt-5-mini\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").status()).isEqualTo(200);
            assertThat(gw.post("/v1/chat/completions", bob[1], Metered.chat(5)).status()).isEqualTo(200);

            JsonNode own = gw.get("/v1/balance", alice[1]).json();
            assertThat(own.path("user_id").asText()).isEqualTo(alice[0]);
            JsonNode all = gw.get("/v1/usage", alice[1]).json();
            assertThat(all.path("data")).hasSize(4).allSatisfy(u -> assertThat(u.path("user_id").asText()).isEqualTo(alice[0]));
            assertThat(Metered.sumOf(List.copyOf(all.path("data").valueStream().toList()), "charged_micros"))
                    .isEqualTo(1_000_000 - own.path("balance_micros").asLong());
            assertThat(gw.get("/v1/usage?model=metered", alice[1]).json().path("data")).hasSize(3)
                    .allSatisfy(u -> assertThat(u.path("model").asText()).isEqualTo("metered"));
            assertThat(gw.get("/v1/usage?to=2000-01-01T00:00:00Z", alice[1]).json().path("data")).isEmpty();
            long now = System.currentTimeMillis() / 1000;
            assertThat(gw.get("/v1/usage?from=" + (now - 3600) + "&to=" + (now + 3600), alice[1]).json().path("data")).hasSize(4);

            JsonNode page = gw.get("/v1/usage?limit=3", alice[1]).json();
            assertThat(page.path("has_more").asBoolean()).isTrue();
            JsonNode rest = gw.get("/v1/usage?limit=3&after=" + page.path("last_id").asText(), alice[1]).json();
            assertThat(rest.path("data")).hasSize(1);
            assertThat(rest.path("has_more").asBoolean()).isFalse();
        }
    }

    private static String error(TestGateway.Resp r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        return r.json().path("error").path("param").asText();
    }
}
