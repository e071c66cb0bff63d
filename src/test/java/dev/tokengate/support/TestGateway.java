package dev.tokengate.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.app.Gateway;
import dev.tokengate.config.ConfigLoader;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Starts the real gateway on a free port (in-memory storage, zero-latency simulated models and $1000 of credit for new
 * users unless told otherwise) and offers plain-HTTP helpers. Tests talk to it exactly as clients do.
 */
public final class TestGateway implements AutoCloseable {
    public static final String ADMIN_KEY = "tg-admin-test-key-0123456789abcdef";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Null once closed: test classes keep closed gateways in static fields, and a Gateway holds megabytes (its Vert.x). */
    private volatile Gateway gateway;
    private final Path dataDir;

    private TestGateway(Gateway gateway, Path dataDir) {
        this.gateway = gateway;
        this.dataDir = dataDir;
    }

    public static TestGateway start() {
        return start(Map.of());
    }

    /** @param overrides dotted config paths to values, e.g. {@code simulated.ttft_ms -> 500} */
    public static TestGateway start(Map<String, String> overrides) {
        return start(null, overrides, Map.of());
    }

    public static TestGateway start(Path configFile, Map<String, String> overrides, Map<String, String> env) {
        return start(configFile, overrides, env, true);
    }

    /**
     * Starts without a configured admin key, as {@code serve} does when TOKENGATE_ADMIN_KEY is unset: the gateway
     * reuses the key stored in {@code dataDir} or creates it. {@link #adminKey()} tells which key it uses.
     */
    public static TestGateway startWithStoredAdminKey(Path dataDir, Map<String, String> overrides) {
        Map<String, String> o = new HashMap<>(overrides);
        o.put("storage.data_dir", dataDir.toString());
        return start(null, o, Map.of(), false);
    }

    private static TestGateway start(Path configFile, Map<String, String> overrides, Map<String, String> env,
                                     boolean withAdminKey) {
        try {
            String dataDirOverride = overrides.get("storage.data_dir");
            Path dataDir = dataDirOverride != null ? Path.of(dataDirOverride) : Files.createTempDirectory("tokengate-test");
            Map<String, String> o = new HashMap<>();
            o.put("server.port", "0");
            o.put("server.event_loops", "2");
            o.put("storage.data_dir", dataDir.toString());
            o.put("storage.db_url", "memory");
            // new users start with enough credit that tests about other things never meet a 402
            o.put("billing.new_user_credit_usd", "1000");
            o.put("simulated.ttft_ms", "0");
            o.put("simulated.tokens_per_second", "0");
            // one attempt per deployment: tests that pin a single upstream failure see it; RoutingTest turns retries on
            o.put("routing.max_retries", "0");
            if (withAdminKey) o.put("admin_key", ADMIN_KEY);
            o.putAll(overrides);
            GatewayConfig config = ConfigLoader.load(configFile, env, o);
            return new TestGateway(Gateway.start(config, env), dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() { return running().port(); }

    public String baseUrl() { return "http://127.0.0.1:" + port(); }

    /** The base URL the OpenAI SDK expects (ending in /v1). */
    public String openAiBaseUrl() { return baseUrl() + "/v1"; }

    public Path dataDir() { return dataDir; }

    /** The admin key this gateway accepts: {@link #ADMIN_KEY} unless started with a stored admin key. */
    public String adminKey() { return running().adminKey(); }

    public Gateway gateway() { return running(); }

    private Gateway running() {
        Gateway g = gateway;
        if (g == null) throw new IllegalStateException("closed");
        return g;
    }

    /** Creates a user of the given tier and returns a fresh API key for it. */
    public String createUserKey(String name, String tier) {
        JsonNode user = post("/admin/v1/users", ADMIN_KEY, "{\"name\":\"" + name + "\",\"tier\":\"" + tier + "\"}").json();
        String id = user.path("id").asText();
        return post("/admin/v1/users/" + id + "/keys", ADMIN_KEY, "{}").json().path("key").asText();
    }

    public Resp get(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET(), key);
    }

    public Resp post(String path, String key, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), key);
    }

    public Resp send(String method, String path, String key, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)), key);
    }

    public Resp send(HttpRequest.Builder b, String key) {
        if (key != null) b.header("Authorization", "Bearer " + key);
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Resp(r.statusCode(), r.body(), r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record Resp(int status, String body, Map<String, java.util.List<String>> headers) {
        public JsonNode json() {
            JsonNode n = Json.parseOrNull(body);
            if (n == null) throw new AssertionError("not JSON (status " + status + "): " + body);
            return n;
        }

        public String header(String name) {
            for (var e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) return e.getValue().get(0);
            }
            return null;
        }
    }

    /** Stops the gateway and lets go of it; {@link #dataDir()} still answers, everything that needs the gateway throws. */
    @Override
    public void close() {
        Gateway g = gateway;
        if (g == null) return;
        gateway = null;
        g.close();
    }
}
