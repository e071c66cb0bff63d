package dev.tokengate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenant isolation on every route that takes a resource id (on SQLite, as in production): to user B, user A's ids are
 * indistinguishable from ids that do not exist (404 on every mounted method, the same answer as a made-up id on the
 * others), B never sees A's data in a list, and user keys get 403 on every admin route.
 */
class TenantIsolationTest {
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    /** Text only A's requests contain: it must never appear in an answer to B. */
    private static final String SECRET = "alice-secret-" + UUID.randomUUID();

    private static Path dir;
    private static TestGateway gw;
    private static String keyA;
    private static String keyB;
    private static String userA;
    private static String jobA;
    private static String batchItemJobA;
    private static String batchA;
    private static String batchB;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("tokengate-tenants");
        gw = TestGateway.start(Map.of("storage.db_url", "sqlite:" + dir.resolve("tenants.db"), "simulated.ttft_ms", "300"));
        JsonNode alice = gw.post("/admin/v1/users", TestGateway.ADMIN_KEY, "{\"name\":\"alice\",\"tier\":\"user_max\"}").json();
        userA = alice.path("id").asText();
        keyA = gw.post("/admin/v1/users/" + userA + "/keys", TestGateway.ADMIN_KEY, "{}").json().path("key").asText();
        keyB = gw.createUserKey("bob", "user_max");

        jobA = ok(gw.post("/api/v1/jobs/messages/batches", keyA, "[" + job(SECRET) + "]")).path("data").path("jobs").path(0).path("job_id").asText();
        batchA = ok(gw.post("/v1/messages/batches", keyA, lettaBatch("agent-alice", SECRET))).path("id").asText();
        batchB = ok(gw.post("/v1/messages/batches", keyB, lettaBatch("agent-bob", "bob's question"))).path("id").asText();
        batchItemJobA = batchA + ":000000";
    }

    @AfterAll
    static void stop() throws IOException {
        if (gw != null) gw.close();
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Test
    void anotherUsersJobIdsAreNotFoundWithEveryMethod() {
        assertThat(gw.get("/api/v1/jobs/" + jobA, keyA).status()).isEqualTo(200);
        assertThat(gw.get("/api/v1/jobs/" + batchItemJobA, keyA).status()).isEqualTo(200);
        assertIndistinguishableFromUnknown("/api/v1/jobs/%s", jobA, Set.of("GET"));
        assertIndistinguishableFromUnknown("/api/v1/jobs/%s", batchItemJobA, Set.of("GET"));
    }

    @Test
    void anotherUsersMessageBatchIdsAreNotFoundWithEveryMethod() {
        assertIndistinguishableFromUnknown("/v1/messages/batches/%s", batchA, Set.of("GET"));
        assertIndistinguishableFromUnknown("/v1/messages/batches/%s/messages", batchA, Set.of("GET"));
        assertIndistinguishableFromUnknown("/v1/messages/batches/%s/cancel", batchA, Set.of("PATCH"));
    }

    @Test
    void anotherUserCannotCancelABatch() {
        String running = ok(gw.post("/v1/messages/batches", keyA, lettaBatch("agent-alice", SECRET + " again"))).path("id").asText();
        assertThat(gw.send("PATCH", "/v1/messages/batches/" + running + "/cancel", keyB, null).status()).isEqualTo(404);

        JsonNode batch = ok(gw.get("/v1/messages/batches/" + running, keyA));
        assertThat(batch.path("status").asText()).isNotEqualTo("cancelled");
        assertThat(batch.path("metadata").path("request_counts").path("cancelled").asInt()).isZero();
    }

    @Test
    void anotherUsersBatchesNeverShowInLists() {
        for (String query : List.of("", "?order=asc", "?order=desc", "?limit=1000", "?after=" + batchA, "?before=" + batchA,
                "?after=" + batchA + "&order=asc", "?before=" + batchA + "&order=asc")) {
            Resp r = gw.get("/v1/messages/batches" + query, keyB);
            assertThat(r.status()).as(query).isEqualTo(200);
            assertThat(r.body()).as(query).doesNotContain(batchA).doesNotContain(SECRET).doesNotContain(userA);
            for (JsonNode b : r.json()) assertThat(b.path("id").asText()).isEqualTo(batchB);
        }
        assertThat(gw.get("/v1/messages/batches", keyA).body()).contains(batchA).doesNotContain(batchB);
        Resp messages = gw.get("/v1/messages/batches/" + batchB + "/messages?agent_id=agent-alice", keyB);
        assertThat(messages.status()).isEqualTo(200);
        assertThat(messages.body()).doesNotContain(SECRET).doesNotContain(batchA);
    }

    @Test
    void theSameIdempotencyKeyGivesEachUserTheirOwnJob() {
        String idempotencyKey = "shared-" + UUID.randomUUID();
        Resp a = submitWithIdempotencyKey(keyA, job(SECRET), idempotencyKey);
        Resp b = submitWithIdempotencyKey(keyB, job("bob asks"), idempotencyKey);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(b.status()).as(b.body()).isEqualTo(200);
        String jobOfA = a.json().path("data").path("job_id").asText();
        String jobOfB = b.json().path("data").path("job_id").asText();
        assertThat(jobOfB).isNotEqualTo(jobOfA);
        assertThat(b.body()).doesNotContain(SECRET);
        assertThat(submitWithIdempotencyKey(keyA, job(SECRET), idempotencyKey).json().path("data").path("job_id").asText())
                .isEqualTo(jobOfA);
    }

    @Test
    void eachUserHasTheirOwnCallbackSecret() {
        String secretA = ok(gw.get("/api/v1/callback-secret", keyA)).path("data").path("secret").asText();
        String secretB = ok(gw.get("/api/v1/callback-secret", keyB)).path("data").path("secret").asText();
        assertThat(secretA).isNotBlank().isNotEqualTo(secretB);
    }

    @Test
    void theAdminKeyOnTheApiActsAsItsOwnUserAndSeesNoOtherUsersJobs() {
        assertThat(gw.get("/api/v1/jobs/" + jobA, TestGateway.ADMIN_KEY).status()).isEqualTo(404);
        assertThat(gw.get("/v1/messages/batches/" + batchA, TestGateway.ADMIN_KEY).status()).isEqualTo(404);
        assertThat(gw.get("/v1/messages/batches", TestGateway.ADMIN_KEY).body()).doesNotContain(batchA).doesNotContain(batchB);
    }

    @Test
    void userKeysAreForbiddenOnEveryAdminRouteAndMethod() {
        String keyIdA = gw.get("/admin/v1/users/" + userA + "/keys", TestGateway.ADMIN_KEY).json().path("data").path(0).path("id").asText();
        List<String> paths = List.of("/admin/v1/users", "/admin/v1/users/" + userA, "/admin/v1/users/" + userA + "/keys",
                "/admin/v1/users/" + userA + "/keys/" + keyIdA, "/admin/v1/users/unknown-user", "/admin/v1/anything");
        List<String> answered = new ArrayList<>();
        for (String key : List.of(keyA, keyB)) {
            for (String path : paths) {
                for (String method : METHODS) {
                    Resp r = gw.send(method, path, key, method.equals("GET") || method.equals("DELETE") ? null : "{\"name\":\"x\"}");
                    if (r.status() != 403 || !r.json().path("error").path("type").asText().equals("permission_error")) {
                        answered.add(method + " " + path + " -> " + r.status() + " " + r.body());
                    }
                }
            }
        }
        assertThat(answered).isEmpty();
        // nothing changed: A's key still works and no user was created by the attempts
        assertThat(gw.get("/api/v1/jobs/" + jobA, keyA).status()).isEqualTo(200);
        assertThat(gw.get("/admin/v1/users", TestGateway.ADMIN_KEY).json().path("data")).noneMatch(u -> u.path("name").asText().equals("x"));
    }

    /**
     * With B's key, every method on the path with A's id answers exactly as with an id nobody has: 404 on the methods
     * the path has, and never A's data.
     */
    private static void assertIndistinguishableFromUnknown(String template, String idOfA, Set<String> mounted) {
        String unknownId = UUID.randomUUID().toString();
        for (String method : METHODS) {
            String body = method.equals("GET") || method.equals("DELETE") ? null : "{}";
            Resp withA = gw.send(method, template.formatted(idOfA), keyB, body);
            Resp withUnknown = gw.send(method, template.formatted(unknownId), keyB, body);
            String what = method + " " + template.formatted(idOfA);
            assertThat(withA.status()).as(what + ": " + withA.body()).isEqualTo(withUnknown.status());
            if (mounted.contains(method)) assertThat(withA.status()).as(what + ": " + withA.body()).isEqualTo(404);
            assertThat(withA.body()).as(what).doesNotContain(SECRET).doesNotContain(userA)
                    .isEqualTo(withUnknown.body().replace(unknownId, idOfA));
        }
    }

    private static Resp submitWithIdempotencyKey(String key, String body, String idempotencyKey) {
        return gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/api/v1/jobs/messages"))
                .header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body)), key);
    }

    private static String job(String question) {
        return "{\"model\":\"gpt-5-mini\",\"response_format\":{\"format\":\"text\"},\"messages\":[{\"role\":\"user\",\"content\":\""
                + question + "\"}]}";
    }

    private static String lettaBatch(String agent, String question) {
        return "{\"requests\":[{\"agent_id\":\"" + agent + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + question + "\"}]},"
                + "{\"agent_id\":\"" + agent + "\",\"input\":\"" + question + " 2\"}]}";
    }

    private static JsonNode ok(Resp r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
