package dev.tokengate.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.http.ApiFamily;
import dev.tokengate.support.TestGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every route of {@code HttpApi}, grouped by API family, with real resources behind the ids: a user with a key, a job,
 * a message batch, an image URL and a spare key to revoke. The valid bodies use as many fields as the route reads, so
 * that mutating them field by field reaches every field's validation.
 */
final class FuzzTargets {
    static final String CHAT = """
            {"model":"gpt-5-mini","messages":[{"role":"system","content":"Be brief."},
             {"role":"user","content":[{"type":"text","text":"Say hello"}],"name":"fuzzer"}],
             "temperature":0.5,"top_p":0.9,"max_tokens":20,"n":1,"stop":["zzz"],"user":"fuzzer","stream":false,
             "presence_penalty":0,"frequency_penalty":0,"parallel_tool_calls":true,
             "tools":[{"type":"function","function":{"name":"get_time","description":"Tells the time",
               "parameters":{"type":"object","properties":{}},"strict":false}}],
             "tool_choice":{"type":"function","function":{"name":"get_time"}},"response_format":{"type":"text"}}""";
    static final String EMBEDDINGS = """
            {"model":"text-embedding-3-small","input":["hello world","second text"],"encoding_format":"float",
             "dimensions":64,"user":"fuzzer"}""";
    static final String IMAGES = """
            {"model":"dall-e-3","prompt":"a red square","n":1,"size":"32x32","response_format":"b64_json",
             "quality":"standard","style":"vivid","user":"fuzzer"}""";
    static final String LETTA_BATCH = """
            {"requests":[{"messages":[{"role":"user","content":"hi","name":"fuzzer"}],"agent_id":"agent-1",
              "model":"gpt-5-mini","max_tokens":16,"temperature":0.2,"top_p":1,"stop":["zzz"]}],"callback_url":null}""";
    static final String JOB = """
            {"model":"gpt-5-mini","timeout":30,"message_cache_ttl":300,
             "response_format":{"format":"json","schema":{"type":"object","properties":{"answer":{"type":"string"}},"required":["answer"]}},
             "messages":[{"role":"developer","content":"Answer in JSON."},{"role":"user","content":[{"type":"text","text":"What is 2+2?"}]}],
             "callback":{"callback_url":"http://127.0.0.1:9/hook","callback_headers":{"X-Ref":"1"},"callback_payload":{"ref":"fuzz"}}}""";
    static final String JOB_BATCH = """
            [{"model":"gpt-5-mini","response_format":{"format":"text"},"messages":[{"role":"user","content":"One?"}]},
             {"model":"gpt-auto","timeout":60,"response_format":{"format":"text"},"messages":[{"role":"user","content":"Two?"}]}]""";
    static final String NEW_USER = """
            {"name":"fuzz user","tier":"user_free"}""";
    static final String NEW_KEY = """
            {"name":"fuzz key"}""";

    /** Fields whose content the gateway keeps as opaque JSON (any value is fine), so they are not mutated inside. */
    static final Set<String> FREE_FORM = Set.of("parameters", "callback_payload", "schema");

    /** Gateway settings for fuzzing: SQLite as in production, a small body limit so 413 is cheap to reach. */
    static final int MAX_BODY_BYTES = 1 << 20;

    static Map<String, String> gatewaySettings(java.nio.file.Path dir) {
        return Map.of("storage.db_url", "sqlite:" + dir.resolve("fuzz.db"),
                "server.max_body_bytes", String.valueOf(MAX_BODY_BYTES),
                "callbacks.allow_private_networks", "true",
                "callbacks.max_attempts", "1");
    }

    final String userKey;
    final String userId;
    final String jobId;
    final String batchId;
    final String imageToken;
    final String spareKeyId;
    private final List<Route> routes = new ArrayList<>();

    FuzzTargets(TestGateway gw) {
        JsonNode user = gw.post("/admin/v1/users", TestGateway.ADMIN_KEY, "{\"name\":\"fuzz target\",\"tier\":\"user_max\"}").json();
        userId = user.path("id").asText();
        userKey = gw.post("/admin/v1/users/" + userId + "/keys", TestGateway.ADMIN_KEY, "{}").json().path("key").asText();
        spareKeyId = gw.post("/admin/v1/users/" + userId + "/keys", TestGateway.ADMIN_KEY, "{}").json().path("id").asText();
        jobId = require(gw.post("/api/v1/jobs/messages/batches", userKey, JOB_BATCH), "data", "jobs", "0", "job_id");
        batchId = require(gw.post("/v1/messages/batches", userKey, LETTA_BATCH), "id");
        String url = require(gw.post("/v1/images/generations", userKey, IMAGES.replace("b64_json", "url")), "data", "0", "url");
        imageToken = url.substring(url.lastIndexOf('/') + 1);

        String admin = TestGateway.ADMIN_KEY;
        ApiFamily o = ApiFamily.OPENAI;
        add(o, "GET", "/health", null, null);
        add(o, "GET", "/ready", null, null);
        add(o, "GET", "/metrics", null, null);
        add(o, "POST", "/v1/chat/completions", userKey, CHAT);
        add(o, "GET", "/v1/models", userKey, null);
        add(o, "GET", "/v1/models/:model", userKey, null, "gpt-5-mini");
        add(o, "POST", "/v1/embeddings", userKey, EMBEDDINGS);
        add(o, "POST", "/v1/images/generations", userKey, IMAGES);
        add(o, "GET", "/v1/images/content/:token", null, null, imageToken);
        add(o, "POST", "/v1/messages/batches", userKey, LETTA_BATCH);
        addPaged(o, "/v1/messages/batches", userKey, "limit=10&order=desc");
        add(o, "GET", "/v1/messages/batches/:id", userKey, null, batchId);
        add(o, "PATCH", "/v1/messages/batches/:id/cancel", userKey, null, batchId);
        addPaged(o, "/v1/messages/batches/:id/messages", userKey, "limit=10&order=asc&agent_id=agent-1", batchId);

        ApiFamily j = ApiFamily.JOBS;
        add(j, "POST", "/api/v1/jobs/messages", userKey, JOB);
        add(j, "POST", "/api/v1/jobs/messages/batches", userKey, JOB_BATCH);
        add(j, "GET", "/api/v1/jobs/:jobId", userKey, null, jobId);
        add(j, "GET", "/api/v1/callback-secret", userKey, null);

        ApiFamily a = ApiFamily.ADMIN;
        add(a, "POST", "/admin/v1/users", admin, NEW_USER);
        add(a, "GET", "/admin/v1/users", admin, null);
        add(a, "GET", "/admin/v1/users/:id", admin, null, userId);
        add(a, "POST", "/admin/v1/users/:id/keys", admin, NEW_KEY, userId);
        add(a, "GET", "/admin/v1/users/:id/keys", admin, null, userId);
        add(a, "DELETE", "/admin/v1/users/:id/keys/:keyId", admin, null, userId, spareKeyId);
    }

    List<Route> routes(ApiFamily family) {
        return routes.stream().filter(r -> r.family() == family).toList();
    }

    List<Route> all() {
        return List.copyOf(routes);
    }

    /** The methods mounted on a path template (a request with another method gets 405 or 404). */
    Set<String> methodsOf(String template) {
        return Set.copyOf(routes.stream().filter(r -> r.template().equals(template)).map(Route::method).toList());
    }

    private void add(ApiFamily family, String method, String template, String key, String body, String... ids) {
        addRoute(family, method, template, key, body, null, ids);
    }

    private void addPaged(ApiFamily family, String template, String key, String query, String... ids) {
        addRoute(family, "GET", template, key, null, query, ids);
    }

    private void addRoute(ApiFamily family, String method, String template, String key, String body, String query, String... ids) {
        String[] segments = template.split("/", -1);
        Set<Integer> idSegments = new java.util.HashSet<>();
        int next = 0;
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].startsWith(":")) {
                segments[i] = ids[next++];
                idSegments.add(i);
            }
        }
        routes.add(new Route(family, method, template, String.join("/", segments), key,
                body == null ? null : body.replaceAll("\n\\s*", ""), Set.copyOf(idSegments), query));
    }

    private static String require(TestGateway.Resp r, String... path) {
        if (r.status() / 100 != 2) throw new IllegalStateException("fixture request failed: " + r.status() + " " + r.body());
        JsonNode n = r.json();
        for (String p : path) n = p.matches("\\d+") ? n.path(Integer.parseInt(p)) : n.path(p);
        if (!n.isTextual()) throw new IllegalStateException("no " + String.join(".", path) + " in " + r.body());
        return n.asText();
    }
}
