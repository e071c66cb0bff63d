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
    private static String fileA;
    private static String openAiBatchA;
    private static String responseA;
    private static String usageA;

    @BeforeAll
    static void start() throws IOException {
        dir = Files.createTempDirectory("tokengate-tenants");
        gw = TestGateway.start(Map.of("storage.db_url", "sqlite:" + dir.resolve("tenants.db"), "simulated.ttft_ms", "300",
                "billing.new_user_credit_usd", "100"));
        JsonNode alice = gw.post("/admin/v1/users", TestGateway.ADMIN_KEY, "{\"name\":\"alice\",\"tier\":\"user_max\"}").json();
        userA = alice.path("id").asText();
        keyA = gw.post("/admin/v1/users/" + userA + "/keys", TestGateway.ADMIN_KEY, "{}").json().path("key").asText();
        keyB = gw.createUserKey("bob", "user_max");

        jobA = ok(gw.post("/api/v1/jobs/messages/batches", keyA, "[" + job(SECRET) + "]")).path("data").path("jobs").path(0).path("job_id").asText();
        batchA = ok(gw.post("/v1/messages/batches", keyA, lettaBatch("agent-alice", SECRET))).path("id").asText();
        batchB = ok(gw.post("/v1/messages/batches", keyB, lettaBatch("agent-bob", "bob's question"))).path("id").asText();
        batchItemJobA = batchA + ":000000";
        fileA = upload(keyA, "{\"custom_id\":\"a-1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                + "{\"model\":\"gpt-5-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"" + SECRET + "\"}]}}\n");
        openAiBatchA = ok(gw.post("/v1/batches", keyA, "{\"input_file_id\":\"" + fileA
                + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}")).path("id").asText();
        responseA = ok(gw.post("/v1/responses", keyA, "{\"model\":\"gpt-5-mini\",\"store\":true,\"input\":\"" + SECRET + "\"}"))
                .path("id").asText();
        ok(gw.post("/v1/chat/completions", keyA, "{\"model\":\"gpt-5-mini\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + SECRET + "\"}]}"));
        usageA = awaitUsage(keyA).path("id").asText();
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
    void anotherUsersFileIdsAreNotFoundWithEveryMethod() {
        assertThat(gw.get("/v1/files/" + fileA + "/content", keyA).body()).contains(SECRET);
        assertIndistinguishableFromUnknown("/v1/files/%s", fileA, sameShape(fileA), Set.of("GET", "DELETE"));
        assertIndistinguishableFromUnknown("/v1/files/%s/content", fileA, sameShape(fileA), Set.of("GET"));
        assertThat(gw.get("/v1/files/" + fileA, keyA).status()).as("B's DELETE removed nothing").isEqualTo(200);
    }

    @Test
    void anotherUsersOpenAiBatchIdsAreNotFoundWithEveryMethod() {
        assertThat(gw.get("/v1/batches/" + openAiBatchA, keyA).status()).isEqualTo(200);
        assertIndistinguishableFromUnknown("/v1/batches/%s", openAiBatchA, sameShape(openAiBatchA), Set.of("GET"));
        assertIndistinguishableFromUnknown("/v1/batches/%s/cancel", openAiBatchA, sameShape(openAiBatchA), Set.of("POST"));
        assertThat(ok(gw.get("/v1/batches/" + openAiBatchA, keyA)).path("status").asText()).isNotIn("cancelling", "cancelled");
    }

    @Test
    void anotherUsersResponseIdsAreNotFoundWithEveryMethod() {
        assertThat(gw.get("/v1/responses/" + responseA, keyA).status()).isEqualTo(200);
        assertIndistinguishableFromUnknown("/v1/responses/%s", responseA, sameShape(responseA), Set.of("GET", "DELETE"));
        assertIndistinguishableFromUnknown("/v1/responses/%s/input_items", responseA, sameShape(responseA), Set.of("GET"));
        assertThat(gw.get("/v1/responses/" + responseA, keyA).status()).as("B's DELETE removed nothing").isEqualTo(200);
    }

    @Test
    void anotherUsersIdsCannotBeUsedAsInputs() {
        Resp continued = gw.post("/v1/responses", keyB, "{\"model\":\"gpt-5-mini\",\"previous_response_id\":\"" + responseA
                + "\",\"input\":\"repeat what I said\"}");
        assertThat(continued.status()).as(continued.body()).isEqualTo(400);
        assertThat(continued.body()).contains("previous_response_id").doesNotContain(SECRET).doesNotContain(userA);

        Resp batchFromAsFile = gw.post("/v1/batches", keyB, "{\"input_file_id\":\"" + fileA
                + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        assertThat(batchFromAsFile.status()).as(batchFromAsFile.body()).isIn(400, 404);
        assertThat(batchFromAsFile.body()).doesNotContain(SECRET).doesNotContain(userA);
        assertThat(gw.get("/v1/batches", keyB).body()).doesNotContain(fileA);
    }

    @Test
    void anotherUsersFilesBatchesAndUsageNeverShowInLists() {
        for (String query : List.of("", "?limit=100", "?order=asc", "?after=" + fileA, "?purpose=batch")) {
            Resp files = gw.get("/v1/files" + query, keyB);
            assertThat(files.status()).as(query + ": " + files.body()).isIn(200, 400);
            assertThat(files.body()).as(query).doesNotContain(fileA).doesNotContain(SECRET).doesNotContain(userA);
        }
        for (String query : List.of("", "?limit=100", "?after=" + openAiBatchA)) {
            Resp batches = gw.get("/v1/batches" + query, keyB);
            assertThat(batches.status()).as(query + ": " + batches.body()).isIn(200, 400);
            assertThat(batches.body()).as(query).doesNotContain(openAiBatchA).doesNotContain(fileA).doesNotContain(userA);
        }
        for (String query : List.of("", "?limit=1000", "?after=" + usageA, "?model=gpt-5-mini")) {
            Resp usage = gw.get("/v1/usage" + query, keyB);
            assertThat(usage.status()).as(query + ": " + usage.body()).isIn(200, 400);
            assertThat(usage.body()).as(query).doesNotContain(usageA).doesNotContain(userA);
        }
        assertThat(ok(gw.get("/v1/balance", keyB)).path("user_id").asText()).isNotEqualTo(userA);
        assertThat(gw.get("/v1/usage", keyA).body()).contains(usageA);
        assertThat(gw.get("/v1/files", keyA).body()).contains(fileA);
        assertThat(gw.get("/v1/batches", keyA).body()).contains(openAiBatchA);
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
        assertIndistinguishableFromUnknown(template, idOfA, UUID.randomUUID().toString(), mounted);
    }

    private static void assertIndistinguishableFromUnknown(String template, String idOfA, String unknownId, Set<String> mounted) {
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

    /** An id nobody has, of the same form as {@code id} (its prefix kept, the rest changed). */
    private static String sameShape(String id) {
        String tail = UUID.randomUUID().toString().replace("-", "");
        int keep = Math.max(id.indexOf('_'), id.indexOf('-')) + 1;
        return id.substring(0, keep) + (tail + tail).substring(0, id.length() - keep);
    }

    private static String upload(String key, String jsonl) {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n\r\n" + jsonl + "\r\n"
                + "--" + boundary + "--\r\n";
        Resp r = gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)), key);
        return ok(r).path("id").asText();
    }

    /** The newest usage record of the key's user, once the ledger writer has stored it. */
    private static JsonNode awaitUsage(String key) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode data = ok(gw.get("/v1/usage", key)).path("data");
            if (!data.isEmpty()) return data.path(0);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no usage record was stored");
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
