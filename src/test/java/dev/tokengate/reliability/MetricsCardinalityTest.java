package dev.tokengate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestGateway;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Model names clients make up must not become metric labels: each would be a series the gateway keeps forever. */
class MetricsCardinalityTest {
    @Test
    void unknownModelNamesAddNoMetricSeries() {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createUserKey("labels", "user_max");
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String name = "made-up-model-" + i + "-" + "x".repeat(1000);
                names.add(name);
                gw.post("/v1/chat/completions", key, "{\"model\":\"" + name + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                gw.post("/v1/embeddings", key, "{\"model\":\"" + name + "\",\"input\":\"hi\"}");
                gw.post("/api/v1/jobs/messages", key, "{\"model\":\"" + name + "\",\"response_format\":{\"format\":\"text\"},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            }
            assertThat(gw.post("/v1/chat/completions", key,
                    "{\"model\":\"gpt-5-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").status()).isEqualTo(200);

            String scrape = gw.get("/metrics", null).body();
            assertThat(names).noneMatch(scrape::contains);
            assertThat(scrape).contains("model=\"unknown\"").contains("model=\"gpt-5-mini\"");
        }
    }
}
