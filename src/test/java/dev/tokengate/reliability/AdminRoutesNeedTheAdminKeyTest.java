package dev.tokengate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every admin route the router has (read from the router itself, so a route added later is covered), with every method:
 * without a key and with a wrong one (our key format, the admin key one character off, any string; as Bearer or
 * x-api-key) it is a 401, with a user's key a 403, always in the admin family's error format, and none of these requests
 * changed anything (users, keys, balances, ledger entries, usage and batches read the same before and after).
 */
class AdminRoutesNeedTheAdminKeyTest {
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    /** A body that would create a user or key, or move money, if it were let through. */
    private static final String BODY = "{\"name\":\"intruder\",\"tier\":\"user_max\",\"amount_usd\":100,\"delta_usd\":100,\"reason\":\"x\"}";

    @Test
    void everyAdminRouteAndMethodRefusesRequestsWithoutTheAdminKeyAndChangesNothing() throws Exception {
        try (TestGateway gw = TestGateway.start()) {
            String admin = TestGateway.ADMIN_KEY;
            String userId = gw.post("/admin/v1/users", admin, "{\"name\":\"owner\",\"tier\":\"user_pro\"}").json().path("id").asText();
            JsonNode key = gw.post("/admin/v1/users/" + userId + "/keys", admin, "{}").json();
            String userKey = key.path("key").asText();
            Resp batch = gw.post("/v1/messages/batches", userKey, "{\"requests\":[{\"input\":\"hi\"}]}");
            assertThat(batch.status()).isEqualTo(200);
            awaitEnded(gw, userKey, batch.json().path("id").asText());
            String otherUserKey = gw.createUserKey("other", "user_max");

            List<String> adminPaths = new ArrayList<>();
            for (String endpoint : gw.gateway().endpoints()) {
                String path = endpoint.substring(endpoint.indexOf(' ') + 1);
                if (!path.startsWith("/admin/")) continue;
                String concrete = path.replace("{id}", userId).replace("{keyId}", key.path("id").asText());
                assertThat(concrete).as("every path parameter is filled in").doesNotContain("{");
                if (!adminPaths.contains(concrete)) adminPaths.add(concrete);
            }
            assertThat(adminPaths).as("the admin routes the router has").hasSizeGreaterThanOrEqualTo(12)
                    .contains("/admin/v1/users/" + userId + "/balance/topup", "/admin/v1/deployments", "/admin/v1/requests/recent");
            adminPaths.addAll(List.of("/admin/v1", "/admin/v1/", "/admin/v1/unknown", "/admin/v1/users/unknown-user/keys"));

            Map<String, String> credentials = new LinkedHashMap<>();
            credentials.put("no key", null);
            credentials.put("empty bearer", "Bearer ");
            credentials.put("a wrong tg- key", "Bearer tg-" + "x".repeat(43));
            credentials.put("the admin key one character off", "Bearer " + admin.substring(0, admin.length() - 1) + "0");
            credentials.put("the admin key with more after it", "Bearer " + admin + "0");
            credentials.put("any string as x-api-key", "x-api-key:not-a-key");
            credentials.put("a user's key", "Bearer " + userKey);
            credentials.put("a user's key as x-api-key", "x-api-key:" + otherUserKey);

            Map<String, String> before = snapshot(gw, userId);
            List<String> wrong = new ArrayList<>();
            int requests = 0;
            for (String path : adminPaths) {
                for (String method : METHODS) {
                    for (var c : credentials.entrySet()) {
                        Resp r = send(gw, method, path, c.getValue());
                        requests++;
                        boolean userKeyGiven = c.getKey().startsWith("a user's key");
                        int expected = userKeyGiven ? 403 : 401;
                        String type = userKeyGiven ? "permission_error" : "authentication_error";
                        JsonNode error = r.json().path("error");
                        if (r.status() != expected || !error.path("type").asText().equals(type)) {
                            wrong.add(method + " " + path + " with " + c.getKey() + " -> " + r.status() + " " + r.body());
                        }
                    }
                }
            }
            System.out.println("admin-auth: " + adminPaths.size() + " paths x " + METHODS.size() + " methods x "
                    + credentials.size() + " credentials = " + requests + " requests, " + wrong.size() + " wrong");
            assertThat(wrong).isEmpty();
            assertThat(snapshot(gw, userId)).isEqualTo(before);
            assertThat(gw.get("/v1/models", userKey).status()).as("the user's key still works").isEqualTo(200);
            Resp withAdminKey = send(gw, "POST", "/admin/v1/users/" + userId + "/balance/topup", "Bearer " + admin);
            assertThat(withAdminKey.status()).as("the same request with the admin key does act: " + withAdminKey.body()).isEqualTo(200);
            assertThat(snapshot(gw, userId)).isNotEqualTo(before);
        }
    }

    /** What the admin routes can change, as the admin key reads it. */
    /** The snapshot of "nothing changed" must not race the batch's own progress. */
    private static void awaitEnded(TestGateway gw, String userKey, String batchId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!gw.get("/v1/messages/batches/" + batchId, userKey).json().path("completed_at").isTextual()) {
            assertThat(System.currentTimeMillis()).as("batch " + batchId + " ends").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static Map<String, String> snapshot(TestGateway gw, String userId) {
        Map<String, String> s = new LinkedHashMap<>();
        for (String path : List.of("/admin/v1/users", "/admin/v1/users/" + userId, "/admin/v1/users/" + userId + "/keys",
                "/admin/v1/users/" + userId + "/balance", "/admin/v1/users/" + userId + "/balance/entries",
                "/admin/v1/users/" + userId + "/usage", "/admin/v1/users/" + userId + "/batches")) {
            Resp r = gw.get(path, TestGateway.ADMIN_KEY);
            assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(200);
            s.put(path, r.body().replaceAll("\"updated_at\":[0-9]+", ""));
        }
        return s;
    }

    private static Resp send(TestGateway gw, String method, String path, String credential) {
        String body = method.equals("GET") || method.equals("DELETE") ? null : BODY;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path)).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (credential != null) {
            int colon = credential.indexOf(':');
            if (credential.startsWith("x-api-key:")) b.header("x-api-key", credential.substring(colon + 1));
            else b.header("Authorization", credential);
        }
        return gw.send(b, null);
    }
}
