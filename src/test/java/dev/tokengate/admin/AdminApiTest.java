package dev.tokengate.admin;

import static dev.tokengate.support.OpenAiErrors.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator API under /admin/v1: users and their API keys, admin key only. */
class AdminApiTest {
    private static final String ADMIN = TestGateway.ADMIN_KEY;

    private static TestGateway gw;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static JsonNode createUser(String body) {
        TestGateway.Resp r = gw.post("/admin/v1/users", ADMIN, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private static JsonNode createKey(String userId) {
        TestGateway.Resp r = gw.post("/admin/v1/users/" + userId + "/keys", ADMIN, "{\"name\":\"ci\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private static List<String> ids(JsonNode list) {
        assertThat(list.path("object").asText()).isEqualTo("list");
        List<String> ids = new ArrayList<>();
        list.path("data").forEach(n -> ids.add(n.path("id").asText()));
        return ids;
    }

    @Test
    void createdUserDefaultsToTheFreeTier() {
        JsonNode u = createUser("{\"name\":\"alice\"}");

        assertThat(u.path("id").asText()).isNotBlank();
        assertThat(u.path("object").asText()).isEqualTo("user");
        assertThat(u.path("name").asText()).isEqualTo("alice");
        assertThat(u.path("tier").asText()).isEqualTo("user_free");
        assertThat(u.path("created_at").asLong()).isPositive();
    }

    @Test
    void createdUserKeepsTheTierAsked() {
        assertThat(createUser("{\"name\":\"bob\",\"tier\":\"user_max\"}").path("tier").asText()).isEqualTo("user_max");
    }

    @Test
    void invalidTierIs400NamingTier() {
        JsonNode error = assertError(gw.post("/admin/v1/users", ADMIN, "{\"name\":\"carol\",\"tier\":\"gold\"}"), 400, "tier");

        assertThat(error.path("message").asText()).contains("gold");
    }

    @Test
    void missingNameIs400NamingName() {
        assertError(gw.post("/admin/v1/users", ADMIN, "{\"tier\":\"user_pro\"}"), 400, "name");
    }

    @Test
    void malformedJsonIs400() {
        assertError(gw.post("/admin/v1/users", ADMIN, "{\"name\":"), 400);
    }

    @Test
    void usersAreListedAndFetchedById() {
        JsonNode u = createUser("{\"name\":\"dave\",\"tier\":\"user_go\"}");
        String id = u.path("id").asText();

        assertThat(ids(gw.get("/admin/v1/users", ADMIN).json())).contains(id);
        JsonNode fetched = gw.get("/admin/v1/users/" + id, ADMIN).json();
        assertThat(fetched.path("name").asText()).isEqualTo("dave");
        assertThat(fetched.path("tier").asText()).isEqualTo("user_go");
    }

    @Test
    void unknownUserIs404() {
        assertError(gw.get("/admin/v1/users/user_nope", ADMIN), 404);
        assertError(gw.post("/admin/v1/users/user_nope/keys", ADMIN, "{}"), 404);
    }

    @Test
    void keySecretIsReturnedOnceAndWorksOnTheApi() {
        String userId = createUser("{\"name\":\"erin\",\"tier\":\"user_pro\"}").path("id").asText();
        JsonNode created = createKey(userId);
        String secret = created.path("key").asText();

        assertThat(secret).isNotBlank();
        assertThat(created.path("user_id").asText()).isEqualTo(userId);
        assertThat(created.path("active").asBoolean()).isTrue();
        assertThat(secret).startsWith(created.path("prefix").asText());
        assertThat(gw.get("/v1/models", secret).status()).isEqualTo(200);

        TestGateway.Resp list = gw.get("/admin/v1/users/" + userId + "/keys", ADMIN);
        assertThat(ids(list.json())).containsExactly(created.path("id").asText());
        assertThat(list.body()).doesNotContain(secret);
        assertThat(list.json().path("data").get(0).has("key")).isFalse();
    }

    @Test
    void revokedKeyIsRejectedAtOnce() {
        String userId = createUser("{\"name\":\"frank\",\"tier\":\"user_pro\"}").path("id").asText();
        JsonNode created = createKey(userId);
        String secret = created.path("key").asText();
        assertThat(gw.get("/v1/models", secret).status()).isEqualTo(200);

        TestGateway.Resp revoked = gw.send("DELETE", "/admin/v1/users/" + userId + "/keys/" + created.path("id").asText(), ADMIN, null);

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().path("active").asBoolean()).isFalse();
        assertThat(revoked.json().path("revoked_at").asLong()).isPositive();
        assertError(gw.get("/v1/models", secret), 401);
        JsonNode listed = gw.get("/admin/v1/users/" + userId + "/keys", ADMIN).json().path("data").get(0);
        assertThat(listed.path("active").asBoolean()).isFalse();
    }

    @Test
    void userKeyOnAdminRoutesIs403() {
        String secret = gw.createUserKey("grace", "user_max");

        assertError(gw.get("/admin/v1/users", secret), 403);
        assertError(gw.post("/admin/v1/users", secret, "{\"name\":\"mallory\"}"), 403);
    }

    @Test
    void revokingAnUnknownKeyIs404() {
        String userId = createUser("{\"name\":\"heidi\"}").path("id").asText();

        assertError(gw.send("DELETE", "/admin/v1/users/" + userId + "/keys/key_nope", ADMIN, null), 404);
    }

    @Test
    void wrongMethodOnAnAdminRouteIs405() {
        assertError(gw.send("PUT", "/admin/v1/users", ADMIN, "{}"), 405);
    }

    @Test
    void adminRoutesWithoutAKeyAre401() {
        assertError(gw.get("/admin/v1/users", null), 401);
    }

    @Test
    void requestIdIsEchoed() {
        TestGateway.Resp r = gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/admin/v1/users"))
                .header("X-Request-Id", "req-test-42").GET(), ADMIN);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Request-Id")).isEqualTo("req-test-42");
        assertThat(gw.get("/admin/v1/users", ADMIN).header("X-Request-Id")).isNotBlank();
    }
}
