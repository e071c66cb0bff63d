package dev.tokengate.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.StoreBackends;
import dev.tokengate.support.TestGateway;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL keeps a batch's agent id in VARCHAR(200): a longer one must be refused as the client's mistake before it
 * reaches the store, not fail the insert with a 500.
 */
class LettaBatchAgentIdLengthTest {

    @Test
    void agentIdOfUpTo200CharactersIsStoredAndALongerOneRejectedOnPostgresql(@TempDir Path dir) {
        try (StoreBackends.PostgresSchema schema = StoreBackends.PostgresSchema.create();
             TestGateway gw = TestGateway.start(Map.of("storage.data_dir", dir.toString(), "storage.db_url", schema.operatorUrl()))) {
            String key = gw.createUserKey("Ada", "user_pro");

            TestGateway.Resp longest = gw.post("/v1/messages/batches", key, batchOfTwoForAgent("a".repeat(200)));
            TestGateway.Resp tooLong = gw.post("/v1/messages/batches", key, batchOfTwoForAgent("a".repeat(201)));

            assertThat(longest.status()).as(longest.body()).isEqualTo(200);
            assertThat(longest.json().path("agent_id").asText()).hasSize(200);
            assertThat(tooLong.status()).as(tooLong.body()).isEqualTo(400);
            assertThat(tooLong.json().path("error").path("param").asText()).isEqualTo("requests[0].agent_id");
            assertThat(tooLong.json().path("error").path("code").asText()).isEqualTo("string_above_max_length");
        }
    }

    /** Both items name the same agent, so the batch carries that agent id too. */
    private static String batchOfTwoForAgent(String agentId) {
        return """
                {"requests": [
                  {"agent_id": "%1$s", "messages": [{"role": "user", "content": "hi"}]},
                  {"agent_id": "%1$s", "messages": [{"role": "user", "content": "hi"}]}
                ]}""".formatted(agentId);
    }
}
