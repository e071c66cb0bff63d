package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.StoreBackends;
import dev.tokengate.support.TestGateway;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stored response can be retrieved and continued after the gateway restarts on the same database. */
class ResponsesSurviveRestartTest {

    @Test
    void responseSurvivesARestartOnTheSameSqliteFile(@TempDir Path dir) {
        assertSurvivesRestart(Map.of("storage.data_dir", dir.toString(), "storage.db_url", "sqlite:" + dir.resolve("r.db")));
    }

    @Test
    void responseSurvivesARestartOnTheSamePostgresqlSchema(@TempDir Path dir) {
        try (StoreBackends.PostgresSchema schema = StoreBackends.PostgresSchema.create()) {
            assertSurvivesRestart(Map.of("storage.data_dir", dir.toString(), "storage.db_url", schema.operatorUrl()));
        }
    }

    private static void assertSurvivesRestart(Map<String, String> storage) {
        String key;
        JsonNode created;
        try (TestGateway first = TestGateway.start(storage)) {
            key = first.createUserKey("durable", "user_pro");
            TestGateway.Resp r = first.post("/v1/responses", key, "{\"model\":\"gpt-4o\",\"input\":\"Keep me.\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            created = r.json();
        }

        try (TestGateway second = TestGateway.start(storage)) {
            String id = created.path("id").asText();
            TestGateway.Resp retrieved = second.get("/v1/responses/" + id, key);
            assertThat(retrieved.status()).isEqualTo(200);
            assertThat(retrieved.json()).isEqualTo(created);
            JsonNode items = second.get("/v1/responses/" + id + "/input_items", key).json().path("data");
            assertThat(items.path(0).path("content").path(0).path("text").asText()).isEqualTo("Keep me.");
            TestGateway.Resp next = second.post("/v1/responses", key, "{\"model\":\"gpt-4o\",\"input\":\"Still there?\","
                    + "\"previous_response_id\":\"" + id + "\"}");
            assertThat(next.status()).as(next.body()).isEqualTo(200);
            assertThat(second.get("/v1/responses/" + next.json().path("id").asText() + "/input_items", key).json().path("data"))
                    .hasSize(3);
        }
    }
}
