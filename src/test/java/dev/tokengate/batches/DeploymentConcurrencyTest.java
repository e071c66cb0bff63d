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
        // a job of the job API for the full deployment waits in the queue too, without spending an attempt
        String jobId = submitJob("held-model");
        JsonNode waiting = job(jobId);
        assertThat(waiting.path("status").asText()).isEqualTo("pending");
        assertThat(waiting.path("attempts").asInt()).isZero();

        JsonNode heldDone = BatchTesting.await(() -> {
            held.releaseAll();
            return gw.get(heldBatch, key).json();
        }, b -> b.path("status").asText().equals("completed"));
        assertThat(heldDone.path("metadata").path("request_counts").path("completed").asInt()).isEqualTo(ITEMS);
        assertThat(held.peak()).isEqualTo(3);
        List<String> items = held.received().stream().filter(b -> b.contains("\"held ")).toList();
        assertThat(items).hasSize(ITEMS);
        assertThat(new HashSet<>(items)).hasSize(ITEMS);

        JsonNode jobDone = BatchTesting.await(() -> {
            held.releaseAll();
            return job(jobId);
        }, j -> j.path("status").asText().equals("completed"));
        assertThat(jobDone.path("attempts").asInt()).isEqualTo(1);
        assertThat(held.peak()).isEqualTo(3);
    }

    private static String submitJob(String model) {
        TestGateway.Resp r = gw.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + "/api/v1/jobs/messages/batches"))
                .header("Content-Type", "application/json").header("x-api-key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("[{\"model\":\"" + model
                        + "\",\"response_format\":{\"format\":\"text\"},\"messages\":[{\"role\":\"user\",\"content\":\"queued job\"}]}]")),
                null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("data").path("jobs").get(0).path("job_id").asText();
    }

    private static JsonNode job(String id) {
        return gw.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.baseUrl() + "/api/v1/jobs/" + id))
                .header("x-api-key", key).GET(), null).json().path("data");
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
