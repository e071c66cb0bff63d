package dev.tokengate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.PostgresTestSchema;
import dev.tokengate.support.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** With Redis configured, every instance counts against one limit. */
class SharedRateLimitTest {
    static final String REDIS = "redis://127.0.0.1:6379/0";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A key prefix of its own, so concurrent test runs sharing the Redis server never count against each other. */
    static String prefix() {
        return "tgtest:" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + ":";
    }

    @Test
    void aSixtyPerMinuteLimitLetsExactlySixtyThroughAcrossTwoInstances() {
        Map<String, String> config = Map.of("rate_limits.tiers.user_go.requests_per_minute", "60", "redis.url", REDIS);
        try (PostgresTestSchema schema = new PostgresTestSchema()) {
            Map<String, String> shared = new java.util.HashMap<>(config);
            shared.put("storage.db_url", schema.jdbcUrl());
            shared.put("redis.key_prefix", prefix());
            try (TestGateway a = TestGateway.start(shared); TestGateway b = TestGateway.start(shared)) {
                String key = a.createUserKey("shared-limit", "user_go");
                List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    TestGateway gw = i % 2 == 0 ? a : b;
                    sent.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                            .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-5-mini\",\"max_tokens\":5,"
                                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                List<Integer> statuses = sent.stream().map(f -> f.join().statusCode()).toList();
                assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(60);
                assertThat(statuses.stream().filter(s -> s == 429).count()).isEqualTo(40);
            }
        }
    }
}
