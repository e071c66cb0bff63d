package dev.tokengate.batches;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A gateway restart in the middle of a batch on a SQLite file loses no item and runs none twice. */
class BatchRestartTest {
    private static final int ITEMS = 8;

    @TempDir
    Path dir;

    private Map<String, String> config() {
        Map<String, String> o = new HashMap<>();
        o.put("storage.data_dir", dir.toString());
        o.put("storage.db_url", "sqlite:" + dir.resolve("tokengate.db"));
        o.put("simulated.ttft_ms", "300");
        o.put("simulated.tokens_per_second", "0");
        o.put("jobs.workers", "2");
        return o;
    }

    @Test
    void aLettaBatchInterruptedByARestartEndsWithEveryItemCompletedExactlyOnce() throws Exception {
        String key;
        String id;
        try (TestGateway first = TestGateway.start(config())) {
            key = first.createUserKey("restart-user", "user_pro");
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < ITEMS; i++) requests.append(i == 0 ? "" : ",").append("{\"agent_id\":\"agent-").append(i).append("\",\"input\":\"n").append(i).append("\"}");
            id = first.post("/v1/messages/batches", key, "{\"requests\":[" + requests + "]}").json().path("id").asText();
            JsonNode midway = BatchTesting.await(() -> first.get("/v1/messages/batches/" + id, key).json(),
                    b -> b.path("metadata").path("request_counts").path("completed").asInt() >= 1);
            assertThat(midway.path("metadata").path("request_counts").path("completed").asInt()).isLessThan(ITEMS);
        }
        try (TestGateway second = TestGateway.start(config())) {
            JsonNode done = BatchTesting.awaitStatus(second, key, "/v1/messages/batches/" + id, "completed");
            JsonNode counts = done.path("metadata").path("request_counts");
            assertThat(counts.path("total").asInt()).isEqualTo(ITEMS);
            assertThat(counts.path("completed").asInt()).isEqualTo(ITEMS);
            assertThat(counts.path("failed").asInt() + counts.path("cancelled").asInt()).isZero();

            JsonNode messages = second.get("/v1/messages/batches/" + id + "/messages?order=asc&limit=1000", key).json().path("messages");
            Set<String> answered = new HashSet<>();
            int answers = 0;
            for (JsonNode m : messages) {
                if (!m.path("role").asText().equals("assistant")) continue;
                answers++;
                assertThat(m.path("is_err").asBoolean()).isFalse();
                answered.add(m.path("batch_item_id").asText());
            }
            assertThat(answers).isEqualTo(ITEMS);
            assertThat(answered).hasSize(ITEMS);
        }
        assertThat(itemRows(id)).containsOnlyKeys("completed").containsEntry("completed", ITEMS);
    }

    @Test
    void anOpenAiBatchInterruptedByARestartWritesEachCustomIdOnceToItsOutputFile() throws Exception {
        List<String> customIds = BatchTesting.ids("r", ITEMS);
        String key;
        String id;
        try (TestGateway first = TestGateway.start(config())) {
            key = first.createUserKey("restart-openai", "user_pro");
            String fileId = BatchTesting.uploadBatchInput(first, key, BatchTesting.jsonl("gpt-4o", customIds));
            id = BatchTesting.createBatch(first, key, fileId).path("id").asText();
            BatchTesting.await(() -> first.get("/v1/batches/" + id, key).json(),
                    b -> b.path("request_counts").path("completed").asInt() >= 1);
        }
        try (TestGateway second = TestGateway.start(config())) {
            JsonNode done = BatchTesting.awaitStatus(second, key, "/v1/batches/" + id, "completed");
            assertThat(done.path("request_counts").path("completed").asInt()).isEqualTo(ITEMS);
            assertThat(done.get("error_file_id").isNull()).isTrue();
            List<String> lines = second.get("/v1/files/" + done.path("output_file_id").asText() + "/content", key).body().lines().toList();
            Set<String> seen = new HashSet<>();
            for (String line : lines) assertThat(seen.add(dev.tokengate.core.Json.parseOrNull(line).path("custom_id").asText())).isTrue();
            assertThat(seen).containsExactlyInAnyOrderElementsOf(customIds);
        }
        assertThat(itemRows(id)).containsOnlyKeys("completed").containsEntry("completed", ITEMS);
    }

    /** The batch's item rows by status, read straight from the database file. */
    private Map<String, Integer> itemRows(String batchId) throws Exception {
        Map<String, Integer> byStatus = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tokengate.db"));
             PreparedStatement ps = c.prepareStatement("SELECT status, COUNT(*) FROM jobs WHERE batch_id = ? GROUP BY status")) {
            ps.setString(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) byStatus.put(rs.getString(1), rs.getInt(2));
            }
        }
        return byStatus;
    }
}
