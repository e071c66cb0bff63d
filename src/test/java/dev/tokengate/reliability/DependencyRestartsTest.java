package dev.tokengate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's own dependencies going away under load and coming back, with the gateway left running: a private
 * PostgreSQL cluster stopped as a crash would ({@code pg_ctl -m immediate}) and started again, and a private Redis
 * server killed and started again. Requests meanwhile get clean errors (503 in the family's format, within the
 * client's 15 s deadline: no hang), the gateway recovers by itself, and the ledger adds up: nothing charged twice.
 */
class DependencyRestartsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CHAT = "{\"model\":\"gpt-5-mini\",\"max_tokens\":32,\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";

    @TempDir
    Path dir;

    @Test
    void postgresqlRestartedUnderLoadGivesClean503sAndRecoversWithoutAGatewayRestart() {
        try (PrivateServers.Postgres pg = new PrivateServers.Postgres(dir);
             TestGateway gw = TestGateway.start(Map.of("storage.db_url", pg.jdbcUrl(), "simulated.ttft_ms", "20"))) {
            String userId = gw.post("/admin/v1/users", TestGateway.ADMIN_KEY, "{\"name\":\"pg\",\"tier\":\"user_max\"}").json().path("id").asText();
            String key = gw.post("/admin/v1/users/" + userId + "/keys", TestGateway.ADMIN_KEY, "{}").json().path("key").asText();
            topUp(gw, userId);
            try (Load load = new Load(gw, key)) {
                load.awaitAnswers(20, 200);
                pg.stop();
                load.phase("down");
                load.awaitAnswers(20, 503);
                pg.start();
                load.phase("after");
                load.awaitAnswers(20, 200);
                load.stop();
                load.assertClean();
                System.out.println("postgres restart: " + load.summary());
            }
            assertLedgerAddsUp(gw, userId);
        }
    }

    @Test
    void redisStoppedAndStartedFailsClosedWhenConfiguredSoAndChargesNothingTwice() {
        try (PrivateServers.Redis redis = new PrivateServers.Redis(dir);
             TestGateway gw = TestGateway.start(Map.of("redis.url", redis.url(), "rate_limits.on_redis_failure", "closed",
                     "rate_limits.tiers.user_go.requests_per_minute", "100000", "simulated.ttft_ms", "20"))) {
            String userId = gw.post("/admin/v1/users", TestGateway.ADMIN_KEY, "{\"name\":\"redis\",\"tier\":\"user_go\"}").json().path("id").asText();
            String key = gw.post("/admin/v1/users/" + userId + "/keys", TestGateway.ADMIN_KEY, "{}").json().path("key").asText();
            topUp(gw, userId);
            try (Load load = new Load(gw, key)) {
                load.awaitAnswers(20, 200);
                redis.stop();
                load.phase("down");
                load.awaitAnswers(20, 503);
                // balances never depend on Redis: still readable and exact while it is down
                assertThat(gw.get("/v1/balance", key).status()).isEqualTo(200);
                redis.start();
                load.phase("after");
                load.awaitAnswers(20, 200);
                load.stop();
                load.assertClean();
                assertThat(load.codes("down")).containsOnly("rate_limiter_unavailable");
                System.out.println("redis restart (closed): " + load.summary());
            }
            assertLedgerAddsUp(gw, userId);
        }
    }

    @Test
    void redisStoppedAndStartedFailsOpenByDefault() {
        try (PrivateServers.Redis redis = new PrivateServers.Redis(dir);
             TestGateway gw = TestGateway.start(Map.of("redis.url", redis.url(), "rate_limits.on_redis_failure", "open",
                     "rate_limits.tiers.user_go.requests_per_minute", "100000", "simulated.ttft_ms", "20"))) {
            String userId = gw.post("/admin/v1/users", TestGateway.ADMIN_KEY, "{\"name\":\"redis\",\"tier\":\"user_go\"}").json().path("id").asText();
            String key = gw.post("/admin/v1/users/" + userId + "/keys", TestGateway.ADMIN_KEY, "{}").json().path("key").asText();
            topUp(gw, userId);
            try (Load load = new Load(gw, key)) {
                load.awaitAnswers(20, 200);
                redis.stop();
                load.phase("down");
                load.awaitAnswers(20, 200);
                redis.start();
                load.phase("after");
                load.awaitAnswers(20, 200);
                load.stop();
                load.assertClean();
                assertThat(load.statuses("down")).containsOnly(200);
                System.out.println("redis restart (open): " + load.summary());
            }
            assertLedgerAddsUp(gw, userId);
        }
    }

    private static void topUp(TestGateway gw, String userId) {
        Resp r = gw.post("/admin/v1/users/" + userId + "/balance/topup", TestGateway.ADMIN_KEY, "{\"amount_usd\":\"100\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** Usage records are written behind: once written, balance change == sum of charges, no request recorded twice. */
    private static void assertLedgerAddsUp(TestGateway gw, String userId) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long charged = -1;
        long spent = -2;
        while (System.nanoTime() < deadline) {
            JsonNode balance = gw.get("/admin/v1/users/" + userId + "/balance", TestGateway.ADMIN_KEY).json();
            long credited = 0;
            for (JsonNode e : gw.get("/admin/v1/users/" + userId + "/balance/entries?limit=100", TestGateway.ADMIN_KEY).json().path("data")) {
                credited += e.path("amount_micros").asLong();
            }
            spent = credited - balance.path("balance_micros").asLong();
            charged = 0;
            String after = null;
            java.util.Set<String> requestIds = new java.util.HashSet<>();
            int records = 0;
            while (true) {
                JsonNode page = gw.get("/admin/v1/users/" + userId + "/usage?limit=1000" + (after == null ? "" : "&after=" + after),
                        TestGateway.ADMIN_KEY).json();
                for (JsonNode u : page.path("data")) {
                    charged += u.path("charged_micros").asLong();
                    requestIds.add(u.path("request_id").asText());
                    records++;
                }
                if (!page.path("has_more").asBoolean()) break;
                after = page.path("last_id").asText();
            }
            assertThat(requestIds).as("no request recorded twice").hasSize(records);
            // holds of requests cut by the outage may stay reserved until they expire; reserved is not spent
            if (charged == spent) return;
            GatewayProcess.pause(200);
        }
        assertThat(charged).as("sum of charges == balance change").isEqualTo(spent);
    }

    /** Four client threads sending chat completions back to back, each answer recorded with the phase it fell in. */
    private static final class Load implements AutoCloseable {
        record Answer(String phase, int status, String code, String error) {}

        private final ExecutorService threads = Executors.newFixedThreadPool(4);
        private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        private final AtomicReference<String> phase = new AtomicReference<>("before");
        private final AtomicBoolean running = new AtomicBoolean(true);

        Load(TestGateway gw, String key) {
            for (int i = 0; i < 4; i++) {
                threads.submit(() -> {
                    while (running.get()) {
                        String p = phase.get();
                        try {
                            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                                    .timeout(Duration.ofSeconds(15)).header("Authorization", "Bearer " + key)
                                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            JsonNode body = Json.parseOrNull(r.body());
                            JsonNode error = body == null ? null : body.get("error");
                            answers.add(new Answer(p, r.statusCode(), error == null ? null : error.path("code").asText(),
                                    r.statusCode() == 200 ? null : r.body()));
                        } catch (Exception e) {
                            answers.add(new Answer(p, -1, null, e.toString()));
                        }
                        if (!phase.get().equals("before") && !phase.get().equals("after")) GatewayProcess.pause(20);
                    }
                });
            }
        }

        void phase(String name) {
            phase.set(name);
        }

        /** Waits (up to 90 s) until {@code n} answers with {@code status} arrived in the current phase. */
        void awaitAnswers(int n, int status) {
            String p = phase.get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (answers.stream().filter(a -> a.phase().equals(p) && a.status() == status).count() < n) {
                if (System.nanoTime() > deadline) throw new AssertionError("no " + n + " answers " + status + " in phase " + p + ": " + summary());
                GatewayProcess.pause(20);
            }
        }

        void stop() {
            running.set(false);
            threads.shutdown();
            try {
                assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).as("clients ended").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Every answer a 200 or a 503 in OpenAI's error format; none timed out or failed at the connection. */
        void assertClean() {
            for (Answer a : answers) {
                if (a.status() == 200) continue;
                assertThat(a.status()).as(a.toString()).isEqualTo(503);
                JsonNode error = Json.parseOrNull(a.error()).path("error");
                assertThat(error.path("message").asText()).as(a.toString()).isNotBlank();
                assertThat(error.path("type").isTextual() && error.has("param") && error.has("code")).as(a.toString()).isTrue();
            }
            // once recovered, it stays recovered: the last answers of the "after" phase are all 200
            List<Answer> after = answers.stream().filter(a -> a.phase().equals("after")).toList();
            assertThat(after.subList(Math.max(0, after.size() - 10), after.size())).allMatch(a -> a.status() == 200);
        }

        List<String> codes(String p) {
            return answers.stream().filter(a -> a.phase().equals(p) && a.status() != 200).map(Answer::code).distinct().toList();
        }

        List<Integer> statuses(String p) {
            return answers.stream().filter(a -> a.phase().equals(p)).map(Answer::status).distinct().toList();
        }

        String summary() {
            Map<String, Map<String, Long>> out = new java.util.TreeMap<>();
            for (Answer a : answers) {
                out.computeIfAbsent(a.phase(), k -> new java.util.TreeMap<>()).merge(a.status() + (a.code() == null ? "" : " " + a.code()), 1L, Long::sum);
            }
            return out.toString();
        }

        @Override
        public void close() {
            running.set(false);
            threads.shutdownNow();
        }
    }
}
