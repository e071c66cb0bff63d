package dev.tokengate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Fixtures for billing tests: a model priced at $1 per million input and output tokens, so a request costs exactly its
 * token count in micro-dollars, and helpers that read balances and usage through the HTTP API.
 */
final class Metered {
    static final String MODEL = "metered";
    /** An embedding model at $1 per million input tokens, and an image model at $0.25 an image. */
    static final String EMBEDDING_MODEL = "metered-embedding";
    static final String IMAGE_MODEL = "metered-image";
    static final long IMAGE_MICROS = 250_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Metered() {}

    /** A config file adding the metered model; new users start with nothing. */
    static Path config() {
        try {
            Path f = Files.createTempFile("tokengate-metered", ".yaml");
            Files.writeString(f, """
                    models:
                      - name: metered
                        owned_by: test
                        deployments:
                          - {provider: simulated, upstream_model: metered, price: {input_per_m: 1.00, cached_input_per_m: 1.00, output_per_m: 1.00}}
                      - name: metered-embedding
                        type: embedding
                        owned_by: test
                        deployments:
                          - {provider: local, upstream_model: all-minilm-l6-v2, price: {input_per_m: 1.00}}
                      - name: metered-image
                        type: image
                        owned_by: test
                        deployments:
                          - {provider: simulated, upstream_model: dall-e-3, price: {per_image: 0.25}}
                    """);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TestGateway start(Map<String, String> overrides) {
        Map<String, String> o = new HashMap<>();
        o.put("billing.new_user_credit_usd", "0");
        o.putAll(overrides);
        return TestGateway.start(config(), o, Map.of());
    }

    static String chat(int maxTokens) {
        return "{\"model\":\"metered\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about prepaid balances.\"}]}";
    }

    static String embedding(String text) {
        return "{\"model\":\"metered-embedding\",\"input\":\"" + text + "\"}";
    }

    static String image(int n) {
        return "{\"model\":\"metered-image\",\"prompt\":\"a lighthouse at dusk\",\"n\":" + n + ",\"response_format\":\"b64_json\"}";
    }

    /** A user of tier user_go: {id, key}. */
    static String[] user(TestGateway gw, String name) {
        return user(gw, name, "user_go");
    }

    /** A user of the given tier: {id, key}. */
    static String[] user(TestGateway gw, String name, String tier) {
        JsonNode u = gw.post("/admin/v1/users", TestGateway.ADMIN_KEY, "{\"name\":\"" + name + "\",\"tier\":\"" + tier + "\"}").json();
        String id = u.path("id").asText();
        String key = gw.post("/admin/v1/users/" + id + "/keys", TestGateway.ADMIN_KEY, "{}").json().path("key").asText();
        return new String[]{id, key};
    }

    /** The exact cost of {@link #chat(int)}: learned from a request as the unlimited admin user. */
    static long costOf(TestGateway gw, int maxTokens) {
        TestGateway.Resp r = gw.post("/v1/chat/completions", TestGateway.ADMIN_KEY, chat(maxTokens));
        assertThat(r.status()).isEqualTo(200);
        JsonNode usage = r.json().path("usage");
        assertThat(usage.path("completion_tokens").asInt()).as("the reply fills max_tokens, so the worst case is exact").isEqualTo(maxTokens);
        return usage.path("prompt_tokens").asLong() + usage.path("completion_tokens").asLong();
    }

    static void topUp(TestGateway gw, String userId, long micros) {
        TestGateway.Resp r = gw.post("/admin/v1/users/" + userId + "/balance/topup", TestGateway.ADMIN_KEY,
                "{\"amount_micros\":" + micros + ",\"reason\":\"test\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static JsonNode balance(TestGateway gw, String userId) {
        TestGateway.Resp r = gw.get("/admin/v1/users/" + userId + "/balance", TestGateway.ADMIN_KEY);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** Every usage record of the user, following the pages. */
    static List<JsonNode> usage(TestGateway gw, String userId) {
        List<JsonNode> all = new ArrayList<>();
        String after = null;
        while (true) {
            JsonNode page = gw.get("/admin/v1/users/" + userId + "/usage?limit=37" + (after == null ? "" : "&after=" + after),
                    TestGateway.ADMIN_KEY).json();
            page.path("data").forEach(all::add);
            if (!page.path("has_more").asBoolean()) return all;
            after = page.path("last_id").asText();
        }
    }

    static long sumOf(List<JsonNode> rows, String field) {
        return rows.stream().mapToLong(r -> r.path(field).asLong()).sum();
    }

    /** Sends {@code n} requests at once, round-robin over the gateways; returns the responses in order. */
    static List<HttpResponse<String>> concurrently(List<TestGateway> gateways, String key, String body, int n) {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestGateway gw = gateways.get(i % gateways.size());
            HttpRequest req = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            sent.add(HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        }
        return sent.stream().map(CompletableFuture::join).toList();
    }

    static long count(List<HttpResponse<String>> responses, int status) {
        return responses.stream().filter(r -> r.statusCode() == status).count();
    }
}
