package dev.tokengate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the gateway process while it works through jobs, then a new process on the same SQLite file:
 * every job the first process accepted completes exactly once. A job that had completed keeps its result, completion
 * time and attempt count; a job that was running runs once more (its attempts show it); none is lost or duplicated.
 */
class CrashRecoveryTest {
    private static final int BATCH_JOBS = 30;
    private static final int WORKERS = 2;
    private static final Duration AWAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void everyJobOfABatchCompletesExactlyOnceAfterTheGatewayIsKilledMidway() {
        Path db = dir.resolve("gateway.db");
        Path log = dir.resolve("gateway.log");
        Path config = config("slow.yaml", 300);
        String key;
        String userId;
        List<String> ids;
        try (GatewayProcess first = GatewayProcess.start(db, config, log)) {
            Client api = new Client(first.baseUrl());
            userId = api.createUser("crash-batch");
            key = api.createKey(userId);
            StringBuilder batch = new StringBuilder("[");
            for (int i = 0; i < BATCH_JOBS; i++) batch.append(i == 0 ? "" : ",").append(job("Question number " + i + "?"));
            HttpResponse<String> accepted = api.post("/api/v1/jobs/messages/batches", key, batch.append(']').toString(), null);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
            ids = new ArrayList<>();
            Json.parseOrNull(accepted.body()).path("data").path("jobs").forEach(j -> ids.add(j.path("job_id").asText()));
            assertThat(ids).hasSize(BATCH_JOBS).doesNotHaveDuplicates();

            poll(() -> rows(db, userId), r -> r.values().stream().anyMatch(j -> j.status.equals("completed")), "a first completed job");
            first.killHard();
        }

        Map<String, Row> atKill = rows(db, userId);
        assertThat(atKill.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        long unfinished = atKill.values().stream().filter(r -> !r.status.equals("completed")).count();
        assertThat(unfinished).as("jobs left when the process died").isPositive();
        long running = atKill.values().stream().filter(r -> r.status.equals("assigned")).count();
        assertThat(running).as("jobs running when the process died").isBetween(0L, (long) WORKERS);

        try (GatewayProcess second = GatewayProcess.start(db, config, log)) {
            Client api = new Client(second.baseUrl());
            Map<String, Row> end = poll(() -> rows(db, userId),
                    r -> r.values().stream().allMatch(j -> j.status.equals("completed")), "every job completed");
            for (String id : ids) {
                JsonNode view = api.job(key, id);
                Row before = atKill.get(id);
                assertThat(view.path("status").asText()).isEqualTo("completed");
                assertThat(view.path("result").path("response_message").asText()).isNotBlank();
                int expectedAttempts = before.status.equals("completed") ? before.attempts
                        : before.status.equals("assigned") ? before.attempts + 1 : 1;
                assertThat(view.path("attempts").asInt()).as("attempts of %s (%s at the kill)", id, before.status).isEqualTo(expectedAttempts);
                if (before.status.equals("completed")) {
                    assertThat(end.get(id).completedAt).as("a completed job is not completed again").isEqualTo(before.completedAt);
                    assertThat(end.get(id).result).isEqualTo(before.result);
                }
            }
            System.out.printf("crash (batch): %d jobs accepted; at the kill %d completed, %d running, %d queued; "
                            + "after the restart %d completed, %d of them ran twice%n", ids.size(), ids.size() - unfinished, running,
                    unfinished - running, end.values().stream().filter(r -> r.status.equals("completed")).count(),
                    end.values().stream().filter(r -> r.attempts == 2).count());
        }
        assertThat(rows(db, userId)).hasSize(BATCH_JOBS);
    }

    @Test
    void synchronousJobsInFlightWhenTheGatewayIsKilledAreFoundByIdempotencyKeyAndCompleteOnce() {
        Path db = dir.resolve("gateway.db");
        Path log = dir.resolve("gateway.log");
        List<String> idempotencyKeys = List.of("sync-crash-1", "sync-crash-2", "sync-crash-3");
        String key;
        String userId;
        // the first process never finishes a job (its model takes a minute), so all three are in flight at the kill
        try (GatewayProcess first = GatewayProcess.start(db, config("stalled.yaml", 60_000), log)) {
            Client api = new Client(first.baseUrl());
            userId = api.createUser("crash-sync");
            key = api.createKey(userId);
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (String k : idempotencyKeys) waiting.add(api.postAsync("/api/v1/jobs/messages", key, job("Sync " + k + "?"), k));
            poll(() -> rows(db, userId), r -> r.size() == idempotencyKeys.size(), "the three jobs stored");
            first.killHard();
            for (CompletableFuture<HttpResponse<String>> w : waiting) {
                assertThat(w).failsWithin(Duration.ofSeconds(30));
            }
        }
        Map<String, Row> atKill = rows(db, userId);
        assertThat(atKill.values()).allMatch(r -> !r.status.equals("completed"));

        try (GatewayProcess second = GatewayProcess.start(db, config("slow.yaml", 300), log)) {
            Client api = new Client(second.baseUrl());
            for (String k : idempotencyKeys) {
                HttpResponse<String> again = api.post("/api/v1/jobs/messages", key, job("Sync " + k + "?"), k);
                assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
                JsonNode data = Json.parseOrNull(again.body()).path("data");
                Row before = atKill.values().stream().filter(r -> k.equals(r.idempotencyKey)).findFirst().orElseThrow();
                assertThat(data.path("job_id").asText()).as("the job the killed request created").isEqualTo(before.id);
                assertThat(data.path("status").asText()).isEqualTo("completed");
                JsonNode view = api.job(key, before.id);
                assertThat(view.path("attempts").asInt()).isEqualTo(before.status.equals("assigned") ? before.attempts + 1 : 1);
            }
        }
        Map<String, Row> end = rows(db, userId);
        assertThat(end).hasSize(idempotencyKeys.size());
        assertThat(end.values()).allMatch(r -> r.status.equals("completed") && r.result != null);
        System.out.printf("crash (sync): %d synchronous jobs in flight at the kill (%d running); after the restart each "
                + "idempotency key found its job, all completed once%n", atKill.size(),
                atKill.values().stream().filter(r -> r.status.equals("assigned")).count());
    }

    private Path config(String name, int ttftMs) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, """
                    simulated:
                      ttft_ms: %d
                      tokens_per_second: 0
                    jobs:
                      workers: %d
                    billing:
                      new_user_credit_usd: 1000
                    """.formatted(ttftMs, WORKERS));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String job(String question) {
        return "{\"model\":\"gpt-5-mini\",\"timeout\":120,\"response_format\":{\"format\":\"text\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]}";
    }

    /** One row of the jobs table, read straight from the SQLite file. */
    record Row(String id, String status, int attempts, Long completedAt, String result, String idempotencyKey) {}

    private static Map<String, Row> rows(Path db, String userId) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement s = c.prepareStatement("SELECT id, status, attempts, completed_at, result, idempotency_key "
                     + "FROM jobs WHERE user_id = ? ORDER BY id")) {
            s.setString(1, userId);
            Map<String, Row> out = new LinkedHashMap<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long completedAt = rs.getLong(4);
                    out.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2), rs.getInt(3),
                            rs.wasNull() ? null : completedAt, rs.getString(5), rs.getString(6)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T poll(Supplier<T> read, Predicate<T> done, String what) {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        T last = read.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) throw new AssertionError("gave up waiting for " + what + "; last: " + last);
            GatewayProcess.pause(50);
            last = read.get();
        }
        return last;
    }

    /** Plain HTTP against a gateway process. */
    private record Client(String baseUrl) {
        private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        String createUser(String name) {
            HttpResponse<String> r = post("/admin/v1/users", GatewayProcess.ADMIN_KEY, "{\"name\":\"" + name + "\",\"tier\":\"user_max\"}", null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            return Json.parseOrNull(r.body()).path("id").asText();
        }

        String createKey(String userId) {
            HttpResponse<String> r = post("/admin/v1/users/" + userId + "/keys", GatewayProcess.ADMIN_KEY, "{}", null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            return Json.parseOrNull(r.body()).path("key").asText();
        }

        JsonNode job(String key, String id) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/jobs/" + id))
                        .header("x-api-key", key).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                return Json.parseOrNull(r.body()).path("data");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        HttpResponse<String> post(String path, String key, String body, String idempotencyKey) {
            try {
                return postAsync(path, key, body, idempotencyKey).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        CompletableFuture<HttpResponse<String>> postAsync(String path, String key, String body, String idempotencyKey) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(150))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (idempotencyKey != null) b.header("Idempotency-Key", idempotencyKey);
            return HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
