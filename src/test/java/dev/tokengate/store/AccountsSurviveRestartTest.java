package dev.tokengate.store;

import static dev.tokengate.support.TestGateway.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.StoreBackends;
import dev.tokengate.support.TestGateway;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users and keys created through the admin API are still there after the gateway restarts on the same database. */
class AccountsSurviveRestartTest {

    @Test
    void usersAndKeysSurviveARestartOnTheSameSqliteFile(@TempDir Path dir) {
        assertAccountsSurviveRestart("sqlite", Map.of(
                "storage.data_dir", dir.toString(),
                "storage.db_url", "sqlite:" + dir.resolve("x.db")));
    }

    @Test
    void usersAndKeysSurviveARestartOnTheSamePostgresqlSchema(@TempDir Path dir) {
        try (StoreBackends.PostgresSchema schema = StoreBackends.PostgresSchema.create()) {
            assertAccountsSurviveRestart("postgresql", Map.of(
                    "storage.data_dir", dir.toString(),
                    "storage.db_url", schema.operatorUrl()));
        }
    }

    private static void assertAccountsSurviveRestart(String backend, Map<String, String> storage) {
        String userId;
        String keepKeyId;
        String keepSecret;
        String revokedSecret;
        try (TestGateway first = TestGateway.start(storage)) {
            assertThat(first.gateway().storageName()).isEqualTo(backend);
            assertReady(first);
            TestGateway.Resp user = first.post("/admin/v1/users", ADMIN_KEY, "{\"name\":\"Ada\",\"tier\":\"user_pro\"}");
            assertThat(user.status()).as(user.body()).isEqualTo(201);
            userId = user.json().path("id").asText();
            JsonNode keep = createKey(first, userId, "laptop");
            keepKeyId = keep.path("id").asText();
            keepSecret = keep.path("key").asText();
            JsonNode revoked = createKey(first, userId, "old");
            revokedSecret = revoked.path("key").asText();
            TestGateway.Resp revoke = first.send("DELETE", "/admin/v1/users/" + userId + "/keys/" + revoked.path("id").asText(),
                    ADMIN_KEY, null);
            assertThat(revoke.status()).as(revoke.body()).isEqualTo(200);
        }

        try (TestGateway second = TestGateway.start(storage)) {
            assertReady(second);
            JsonNode user = second.get("/admin/v1/users/" + userId, ADMIN_KEY).json();
            assertThat(user.path("name").asText()).isEqualTo("Ada");
            assertThat(user.path("tier").asText()).isEqualTo("user_pro");

            JsonNode keys = second.get("/admin/v1/users/" + userId + "/keys", ADMIN_KEY).json().path("data");
            assertThat(keys).hasSize(2);
            assertThat(keys.get(0).path("id").asText()).isEqualTo(keepKeyId);
            assertThat(keys.get(0).path("active").asBoolean()).isTrue();
            assertThat(keys.get(1).path("active").asBoolean()).isFalse();

            assertThat(second.get("/v1/models", keepSecret).status()).isEqualTo(200);
            assertThat(second.get("/v1/models", revokedSecret).status()).isEqualTo(401);
        }
    }

    private static JsonNode createKey(TestGateway gw, String userId, String name) {
        TestGateway.Resp r = gw.post("/admin/v1/users/" + userId + "/keys", ADMIN_KEY, "{\"name\":\"" + name + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    private static void assertReady(TestGateway gw) {
        TestGateway.Resp ready = gw.get("/ready", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().path("status").asText()).isEqualTo("ready");
    }
}
