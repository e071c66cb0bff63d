package dev.tokengate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.PostgresTestSchema;
import dev.tokengate.support.TestGateway;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two gateways sharing one PostgreSQL database enforce one balance. */
class SharedBalanceTest {

    @Test
    void twoInstancesSharingPostgresqlAndRedisLetExactlyFiftyOfTwoHundredThrough() {
        try (PostgresTestSchema schema = new PostgresTestSchema()) {
            // Redis carries the (generous) rate limits; the balance is PostgreSQL's alone
            Map<String, String> shared = Map.of("storage.db_url", schema.jdbcUrl(), "redis.url", "redis://127.0.0.1:6379/0",
                    "redis.key_prefix", "tgtest:" + System.nanoTime() + ":", "rate_limits.tiers.user_go.requests_per_minute", "1000");
            try (TestGateway a = Metered.start(shared); TestGateway b = Metered.start(shared)) {
                fiftyOfTwoHundred(a, b);
            }
        }
    }

    private static void fiftyOfTwoHundred(TestGateway a, TestGateway b) {
        long cost = Metered.costOf(a, 5);
        String[] user = Metered.user(a, "shared-fifty");
        Metered.topUp(b, user[0], 50 * cost);

        List<HttpResponse<String>> responses = Metered.concurrently(List.of(a, b), user[1], Metered.chat(5), 200);

        assertThat(Metered.count(responses, 200)).isEqualTo(50);
        assertThat(Metered.count(responses, 402)).isEqualTo(150);
        // each instance writes its own queued settlements before it answers a balance read
        Metered.balance(a, user[0]);
        JsonNode balance = Metered.balance(b, user[0]);
        assertThat(balance.path("balance_micros").asLong()).isZero();
        assertThat(balance.path("reserved_micros").asLong()).isZero();
        List<JsonNode> usage = Metered.usage(a, user[0]);
        assertThat(usage).hasSize(50);
        assertThat(Metered.sumOf(usage, "charged_micros")).isEqualTo(50 * cost);
        JsonNode entries = a.get("/admin/v1/users/" + user[0] + "/balance/entries", TestGateway.ADMIN_KEY).json().path("data");
        long credited = 0;
        for (JsonNode e : entries) credited += e.path("amount_micros").asLong();
        assertThat(credited - Metered.sumOf(usage, "charged_micros")).isEqualTo(balance.path("balance_micros").asLong());
    }
}
