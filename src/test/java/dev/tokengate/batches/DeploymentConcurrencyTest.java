package dev.tokengate.batches;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.FakeUpstream;
import dev.tokengate.support.HoldingUpstream;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Queued work against a deployment never exceeds its max_concurrency, the items waiting for a slot stay queued (one
 * attempt each is all they get here), and other models' work flows past them.
 */
class DeploymentConcurrencyTest {
    private static final int ITEMS = 40;
    private static HoldingUpstream held;
    private static FakeUpstream free;
    private static TestGateway gw;
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        held = HoldingUpstream.start();
        free = FakeUpstream.start();
        Path config = new UpstreamModels()
                .boundedModel("held-model", 3, held.baseUrl())
                .boundedModel("free-model", 3, free.baseUrl())
                .writeTo(Files.createTempDirectory("tokengate-concurrency"));
        // four workers: a claim that ignored the bound would fill all of them with held-model items
        gw = TestGateway.start(config, Map.of("jobs.workers", "4", "jobs.max_attempts", "1"), UpstreamModels.ENV);
        key = gw.createUserKey("concurrency", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
        held.close();
        free.close();
    }

    @Test
    void aBatchNeverHasMoreItemsInFlightAgainstADeploymentThanItsMaxConcurrencyAndOtherModelsKeepFlowing() {
        String heldBatch = "/v1/messages/batches/" + create("held-model", "held", ITEMS).path("id").asText();
        BatchTesting.await(held::inFlight, n -> n == 3);

        // held-model's deployment is full and the engine has a free worker: free-model's batch runs to its end meanwhile
        String freeBatch = "/v1/messages/batches/" + create("free-model", "free", 5).path("id").asText();
        JsonNode freeDone = BatchTesting.awaitStatus(gw, key, freeBatch, "completed");
        assertThat(freeDone.path("metadata").path("request_counts").path("completed").asInt()).isEqualTo(5);
        assertThat(held.received()).hasSize(3);
        assertThat(gw.get(heldBatch, key).json().path("metadata").path("request_counts").path("pending").asInt())
                .isEqualTo(ITEMS - 3);

        JsonNode heldDone = BatchTesting.await(() -> {
            held.releaseAll();
            return gw.get(heldBatch, key).json();
        }, b -> b.path("status").asText().equals("completed"));
        assertThat(heldDone.path("metadata").path("request_counts").path("completed").asInt()).isEqualTo(ITEMS);
        assertThat(held.peak()).isEqualTo(3);
        List<String> bodies = held.received();
        assertThat(bodies).hasSize(ITEMS);
        assertThat(new HashSet<>(bodies)).hasSize(ITEMS);
    }

    private static JsonNode create(String model, String prefix, int n) {
        StringBuilder body = new StringBuilder("{\"requests\":[");
        for (int i = 0; i < n; i++) {
            if (i > 0) body.append(',');
            body.append("{\"model\":\"").append(model).append("\",\"input\":\"").append(prefix).append(' ').append(i).append("\"}");
        }
        TestGateway.Resp r = gw.post("/v1/messages/batches", key, body.append("]}").toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }
}
