package dev.tokengate.console;

import static dev.tokengate.support.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import java.time.Instant;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /admin/v1/requests/recent: the console's live request log. */
class RecentRequestsApiTest {
    private static final String ADMIN = TestGateway.ADMIN_KEY;
    private static final String RECENT = "/admin/v1/requests/recent";

    private static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    /** An entry is written when its response has ended, which may be a moment after the client read it. */
    private static JsonNode awaitEntry(Predicate<JsonNode> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            TestGateway.Resp r = gw.get(RECENT + "?limit=500", ADMIN);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            for (JsonNode e : r.json().path("data")) {
                if (wanted.test(e)) return e;
            }
            if (System.nanoTime() > deadline) throw new AssertionError("no such entry in " + r.body());
            Thread.sleep(10);
        }
    }

    private static String userId(String name) {
        return gw.post("/admin/v1/users", ADMIN, "{\"name\":\"" + name + "\",\"tier\":\"user_go\"}").json().path("id").asText();
    }

    @Test
    void aChatRequestIsLoggedWithItsRouteStatusModelDurationAndUser() throws Exception {
        String user = userId("logged");
        String key = gw.post("/admin/v1/users/" + user + "/keys", ADMIN, "{}").json().path("key").asText();

        TestGateway.Resp chat = gw.post("/v1/chat/completions", key, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(chat.status()).as(chat.body()).isEqualTo(200);

        JsonNode e = awaitEntry(x -> user.equals(x.path("user_id").asText()));
        assertThat(e.path("object").asText()).isEqualTo("request");
        assertThat(e.path("method").asText()).isEqualTo("POST");
        assertThat(e.path("route").asText()).isEqualTo("/v1/chat/completions");
        assertThat(e.path("status").asInt()).isEqualTo(200);
        assertThat(e.path("model").asText()).isEqualTo("gpt-4o");
        assertThat(e.path("duration_ms").asDouble()).isNotNegative();
        assertThat(Instant.parse(e.path("time").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(e.path("id").asLong()).isPositive();
    }

    @Test
    void neitherKeysNorPathValuesNorQueriesReachTheLog() throws Exception {
        String secretish = "sk-looks-like-a-secret-0123456789";
        gw.get("/v1/models/" + secretish + "?api_key=" + secretish, "tg-wrong-key-" + secretish);
        TestGateway.Resp models = gw.get("/v1/models/" + secretish + "?api_key=" + secretish, ADMIN);
        assertThat(models.status()).isEqualTo(404);

        awaitEntry(x -> x.path("route").asText().equals("/v1/models/:model"));
        TestGateway.Resp log = gw.get(RECENT + "?limit=500", ADMIN);
        assertThat(log.body()).doesNotContain(secretish).doesNotContain(ADMIN).doesNotContain("tg-wrong-key");
    }

    @Test
    void afterReturnsOnlyNewerRequestsAndTheLogsOwnPollingIsLeftOut() throws Exception {
        long lastId = gw.get(RECENT, ADMIN).json().path("last_id").asLong();
        gw.get("/health", null);
        JsonNode health = awaitEntry(x -> x.path("route").asText().equals("/health") && x.path("id").asLong() > lastId);

        TestGateway.Resp newer = gw.get(RECENT + "?after=" + lastId, ADMIN);
        assertThat(newer.json().path("data")).allSatisfy(x -> assertThat(x.path("id").asLong()).isGreaterThan(lastId));
        assertThat(newer.json().path("data")).noneSatisfy(x -> assertThat(x.path("route").asText()).isEqualTo(RECENT));
        assertThat(newer.json().path("last_id").asLong()).isGreaterThanOrEqualTo(health.path("id").asLong());

        long last = newer.json().path("last_id").asLong();
        assertThat(gw.get(RECENT + "?after=" + last + "&limit=5", ADMIN).json().path("data").size()).isLessThanOrEqualTo(5);
    }

    @Test
    void theLogNeedsTheAdminKey() {
        String key = gw.createUserKey("not-admin", "user_go");

        assertError(gw.get(RECENT, key), 403);
        assertError(gw.get(RECENT, null), 401);
    }

    @Test
    void aBadLimitOrCursorIs400NamingIt() {
        assertError(gw.get(RECENT + "?limit=0", ADMIN), 400, "limit");
        assertError(gw.get(RECENT + "?limit=lots", ADMIN), 400, "limit");
        assertError(gw.get(RECENT + "?after=-1", ADMIN), 400, "after");
    }
}
