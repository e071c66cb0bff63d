package dev.tokengate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The default SQLite store: balances live in memory, the ledger is written behind, a clean shutdown loses nothing. */
class LedgerDurabilityTest {

    @Test
    void aCleanShutdownKeepsEveryChargeAndUsageRecord() throws Exception {
        Path dir = Files.createTempDirectory("tokengate-durable");
        Map<String, String> sqlite = Map.of("storage.db_url", "", "storage.data_dir", dir.toString());
        String[] user;
        long balanceBefore;
        try (TestGateway gw = Metered.start(sqlite)) {
            user = Metered.user(gw, "durable");
            Metered.topUp(gw, user[0], 1_000_000);
            assertThat(Metered.count(Metered.concurrently(List.of(gw), user[1], Metered.chat(5), 30), 200)).isEqualTo(30);
            balanceBefore = gw.get("/v1/balance", user[1]).json().path("balance_micros").asLong();
        }
        try (TestGateway gw = Metered.start(sqlite)) {
            JsonNode balance = Metered.balance(gw, user[0]);
            assertThat(balance.path("balance_micros").asLong()).isEqualTo(balanceBefore);
            List<JsonNode> usage = Metered.usage(gw, user[0]);
            assertThat(usage).hasSize(30);
            assertThat(Metered.sumOf(usage, "charged_micros")).isEqualTo(1_000_000 - balanceBefore);
        }
    }
}
