package dev.tokengate.admin;

import static dev.tokengate.support.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /admin/v1/users/{id}/batches: the operator sees any user's message batches, with their progress. */
class AdminUserBatchesTest {
    private static final String ADMIN = TestGateway.ADMIN_KEY;
    private static final String TWO_REQUESTS = "{\"requests\":[{\"messages\":[{\"role\":\"user\",\"content\":\"one\"}]},"
            + "{\"messages\":[{\"role\":\"user\",\"content\":\"two\"}]}]}";

    private static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void theAdminListsAUsersBatchesWithTheirRequestCounts() {
        JsonNode user = gw.post("/admin/v1/users", ADMIN, "{\"name\":\"batcher\",\"tier\":\"user_go\"}").json();
        String key = gw.post("/admin/v1/users/" + user.path("id").asText() + "/keys", ADMIN, "{}").json().path("key").asText();
        TestGateway.Resp created = gw.post("/v1/messages/batches", key, TWO_REQUESTS);
        assertThat(created.status()).as(created.body()).isEqualTo(200);

        TestGateway.Resp r = gw.get("/admin/v1/users/" + user.path("id").asText() + "/batches", ADMIN);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().isArray()).isTrue();
        assertThat(r.json()).hasSize(1);
        JsonNode batch = r.json().get(0);
        assertThat(batch.path("id").asText()).isEqualTo(created.json().path("id").asText());
        assertThat(batch.path("created_by_id").asText()).isEqualTo(user.path("id").asText());
        assertThat(batch.path("metadata").path("request_counts").path("total").asInt()).isEqualTo(2);
    }

    @Test
    void anotherUsersBatchesAreNotListed() {
        String lonely = gw.post("/admin/v1/users", ADMIN, "{\"name\":\"no-batches\"}").json().path("id").asText();
        gw.post("/v1/messages/batches", gw.createUserKey("busy", "user_go"), TWO_REQUESTS);

        TestGateway.Resp r = gw.get("/admin/v1/users/" + lonely + "/batches", ADMIN);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).isEmpty();
    }

    @Test
    void anUnknownUserIs404() {
        assertError(gw.get("/admin/v1/users/user_nobody/batches", ADMIN), 404);
    }

    @Test
    void aUserKeyIs403() {
        String key = gw.createUserKey("curious", "user_go");
        String id = gw.get("/admin/v1/users", ADMIN).json().path("data").get(0).path("id").asText();

        assertError(gw.get("/admin/v1/users/" + id + "/batches", key), 403);
    }

    @Test
    void aBadLimitIs400() {
        String id = gw.get("/admin/v1/users", ADMIN).json().path("data").get(0).path("id").asText();

        assertError(gw.get("/admin/v1/users/" + id + "/batches?limit=0", ADMIN), 400, "limit");
    }
}
