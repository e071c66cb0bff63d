package dev.tokengate.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable queue: a job accepted before the gateway stopped runs once more after a restart on the same SQLite file. */
class JobRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void jobAcceptedBeforeAStopCompletesExactlyOnceAfterARestart() throws IOException {
        Map<String, String> slowModel = Map.of("storage.db_url", "sqlite:" + dir.resolve("jobs.db"),
                "simulated.ttft_ms", "1500", "callbacks.allow_private_networks", "true");
        try (CallbackReceiver receiver = CallbackReceiver.start()) {
            String key;
            String jobId;
            try (TestGateway first = TestGateway.start(slowModel)) {
                JobApi api = new JobApi(first);
                key = first.createUserKey("durable-user", "user_go");
                Resp r = api.submitBatch(key, """
                        [{"model":"gpt-auto","response_format":{"format":"text"},
                          "messages":[{"role":"user","content":"How many planets are in our solar system?"}],
                          "callback":{"callback_url":"%s","callback_payload":{"ref":"restart"}}}]""".formatted(receiver.url()));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                jobId = r.json().path("data").path("jobs").path(0).path("job_id").asText();
                assertThat(api.job(key, jobId).json().path("data").path("status").asText()).isIn("pending", "assigned");
            }
            assertThat(Files.exists(dir.resolve("jobs.db"))).isTrue();

            try (TestGateway second = TestGateway.start(slowModel)) {
                JobApi api = new JobApi(second);
                JsonNode done = api.awaitEnd(key, jobId);
                assertThat(done.path("status").asText()).isEqualTo("completed");
                assertThat(done.path("result").path("response_message").asText()).isNotBlank();
                // the first run was stopped mid-job, the second finished it
                assertThat(done.path("attempts").asInt()).isEqualTo(2);

                JsonNode delivered = api.awaitJob(key, jobId, d -> "delivered".equals(d.path("callback").path("state").asText()));
                assertThat(delivered.path("callback").path("attempts").asInt()).isEqualTo(1);
                assertThat(receiver.calls()).hasSize(1);
                assertThat(receiver.calls().get(0).body().path("job_id").asText()).isEqualTo(jobId);
                assertThat(receiver.calls().get(0).body().path("status").asText()).isEqualTo("completed");
            }
        }
    }
}
