package dev.tokengate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.PostgresTestSchema;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code kill -9} of the gateway process while it works through a 5,000-item message batch and synchronous jobs are
 * waiting, on SQLite and on PostgreSQL; then a new process on the same database. Every accepted item and job completes
 * exactly once and is charged exactly once: one usage record per job, with a charge, and the balance moved by exactly
 * the sum of the charges. Everything is read from the database itself, the only thing that survives the kill.
 */
class CrashChargesOnceTest {
    private static final int BATCH_ITEMS = 5_000;
    private static final int SYNC_JOBS = 12;
    private static final long CREDIT_MICROS = 1_000_000_000L;
    private static final Duration AWAIT = Duration.ofSeconds(120);

    enum Backend { SQLITE, POSTGRESQL }

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Backend.class)
    void itemsOfA5000ItemBatchAndSynchronousJobsCutByKill9CompleteAndAreChargedExactlyOnce(Backend backend) {
        try (PostgresTestSchema schema = backend == Backend.POSTGRESQL ? new PostgresTestSchema() : null) {
            String url = schema == null ? "jdbc:sqlite:" + dir.resolve("gateway.db") : schema.jdbcUrl();
            run(backend, url);
        }
    }

    private void run(Backend backend, String dbUrl) {
        Path log = dir.resolve("gateway.log");
        Path config = config();
        Ledger ledger = new Ledger(dbUrl);
        String userId;
        String key;
        String batchId;
        List<String> syncKeys = new ArrayList<>();
        Map<String, String> atKill;
        try (GatewayProcess first = GatewayProcess.start(dbUrl, dir, config, log)) {
            Client api = new Client(first.baseUrl());
            userId = api.createUser("crash-charges");
            key = api.createKey(userId);
            StringBuilder body = new StringBuilder("{\"requests\":[");
            for (int i = 0; i < BATCH_ITEMS; i++) {
                body.append(i == 0 ? "" : ",").append("{\"model\":\"gpt-5-mini\",\"input\":\"Batch item ").append(i).append("?\"}");
            }
            HttpResponse<String> created = api.send("POST", "/v1/messages/batches", key, body.append("]}").toString(), null);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            batchId = Json.parseOrNull(created.body()).path("id").asText();
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int i = 0; i < SYNC_JOBS; i++) {
                String k = "crash-sync-" + i;
                syncKeys.add(k);
                waiting.add(api.sendAsync("POST", "/api/v1/jobs/messages", key, syncJob(k), k));
            }
            poll(() -> ledger.jobs(userId), j -> j.size() == BATCH_ITEMS + SYNC_JOBS
                    && j.values().stream().filter("completed"::equals).count() >= BATCH_ITEMS / 10, "a tenth of the jobs completed");
            first.killHard();
            waiting.forEach(w -> w.cancel(true));
        }
        atKill = ledger.jobs(userId);
        long completedAtKill = atKill.values().stream().filter("completed"::equals).count();
        assertThat(completedAtKill).as("jobs left when the process died").isLessThan(BATCH_ITEMS + SYNC_JOBS);

        try (GatewayProcess second = GatewayProcess.start(dbUrl, dir, config, log)) {
            Client api = new Client(second.baseUrl());
            for (String k : syncKeys) {
                HttpResponse<String> again = api.send("POST", "/api/v1/jobs/messages", key, syncJob(k), k);
                assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
                assertThat(Json.parseOrNull(again.body()).path("data").path("status").asText()).isEqualTo("completed");
            }
            poll(() -> api.json("GET", "/v1/messages/batches/" + batchId, key),
                    b -> !b.path("status").asText().equals("running"), "the batch to end");
            JsonNode batch = api.json("GET", "/v1/messages/batches/" + batchId, key);
            assertThat(batch.path("status").asText()).isEqualTo("completed");
            assertThat(batch.path("metadata").path("request_counts").path("completed").asInt()).isEqualTo(BATCH_ITEMS);

            Map<String, String> end = ledger.jobs(userId);
            assertThat(end).as("no job lost or added").hasSize(BATCH_ITEMS + SYNC_JOBS).containsOnlyKeys(atKill.keySet());
            assertThat(end.values()).allMatch("completed"::equals);

            Map<String, long[]> usage = ledger.usageByJob(userId);
            assertThat(usage.keySet()).as("a usage record for every job and none for anything else").isEqualTo(end.keySet());
            List<String> chargedTwice = usage.entrySet().stream().filter(e -> e.getValue()[0] != 1).map(Map.Entry::getKey).toList();
            assertThat(chargedTwice).as("jobs with more than one usage record").isEmpty();
            assertThat(usage.values()).as("every job paid for").allMatch(u -> u[1] > 0);
            long charged = usage.values().stream().mapToLong(u -> u[1]).sum();
            long[] balance = ledger.balance(userId);
            assertThat(ledger.credits(userId)).isEqualTo(CREDIT_MICROS);
            assertThat(CREDIT_MICROS - balance[0]).as("balance change == sum of charges").isEqualTo(charged);
            JsonNode apiBalance = api.json("GET", "/v1/balance", key);
            assertThat(apiBalance.path("balance_micros").asLong()).isEqualTo(balance[0]);

            System.out.printf("crash (%s): %d batch items + %d synchronous jobs accepted; %d completed at the kill; after the "
                            + "restart all completed, %d usage records (one per job), charged %d µ$ == balance change%n",
                    backend, BATCH_ITEMS, SYNC_JOBS, completedAtKill, usage.size(), charged);
        }
    }

    private Path config() {
        try {
            Path file = dir.resolve("crash.yaml");
            Files.writeString(file, """
                    simulated:
                      ttft_ms: 0
                      tokens_per_second: 0
                    jobs:
                      workers: 16
                    billing:
                      new_user_credit_usd: 1000
                    """);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String syncJob(String question) {
        return "{\"model\":\"gpt-5-mini\",\"timeout\":120,\"response_format\":{\"format\":\"text\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Sync " + question + "?\"}]}";
    }

    private static <T> T poll(Supplier<T> read, Predicate<T> done, String what) {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        T last = read.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) throw new AssertionError("gave up waiting for " + what);
            GatewayProcess.pause(100);
            last = read.get();
        }
        return last;
    }

    /** Reads jobs, usage records and the balance straight from the gateway's database. */
    private record Ledger(String url) {
        Map<String, String> jobs(String userId) {
            Map<String, String> out = new HashMap<>();
            query("SELECT id, status FROM jobs WHERE user_id = ?", userId, rs -> out.put(rs.getString(1), rs.getString(2)));
            return out;
        }

        /** Per job id: {records, sum of charged_micros}. */
        Map<String, long[]> usageByJob(String userId) {
            Map<String, long[]> out = new HashMap<>();
            query("SELECT request_id, COUNT(*), SUM(charged_micros) FROM usage_records WHERE user_id = ? GROUP BY request_id",
                    userId, rs -> out.put(rs.getString(1), new long[]{rs.getLong(2), rs.getLong(3)}));
            return out;
        }

        long[] balance(String userId) {
            long[] out = new long[2];
            query("SELECT balance_micros, reserved_micros FROM balances WHERE user_id = ?", userId, rs -> {
                out[0] = rs.getLong(1);
                out[1] = rs.getLong(2);
            });
            return out;
        }

        long credits(String userId) {
            long[] out = new long[1];
            query("SELECT COALESCE(SUM(amount_micros), 0) FROM balance_entries WHERE user_id = ?", userId, rs -> out[0] = rs.getLong(1));
            return out[0];
        }

        private interface Row {
            void read(ResultSet rs) throws SQLException;
        }

        private void query(String sql, String userId, Row row) {
            try (Connection c = DriverManager.getConnection(url); PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, userId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) row.read(rs);
                }
            } catch (SQLException e) {
                // the schema may not exist yet while the first process starts
                if (!String.valueOf(e.getMessage()).contains("does not exist") && !String.valueOf(e.getMessage()).contains("no such table")) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Plain HTTP against a gateway process. */
    record Client(String baseUrl) {
        private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        String createUser(String name) {
            HttpResponse<String> r = send("POST", "/admin/v1/users", GatewayProcess.ADMIN_KEY, "{\"name\":\"" + name + "\",\"tier\":\"user_max\"}", null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            return Json.parseOrNull(r.body()).path("id").asText();
        }

        String createKey(String userId) {
            HttpResponse<String> r = send("POST", "/admin/v1/users/" + userId + "/keys", GatewayProcess.ADMIN_KEY, "{}", null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            return Json.parseOrNull(r.body()).path("key").asText();
        }

        JsonNode json(String method, String path, String key) {
            HttpResponse<String> r = send(method, path, key, null, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return Json.parseOrNull(r.body());
        }

        HttpResponse<String> send(String method, String path, String key, String body, String idempotencyKey) {
            try {
                return sendAsync(method, path, key, body, idempotencyKey).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }

        CompletableFuture<HttpResponse<String>> sendAsync(String method, String path, String key, String body, String idempotencyKey) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(150))
                    .header("Authorization", "Bearer " + key)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) b.header("Content-Type", "application/json");
            if (idempotencyKey != null) b.header("Idempotency-Key", idempotencyKey);
            return HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
