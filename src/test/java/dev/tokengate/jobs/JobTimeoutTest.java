package dev.tokengate.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The 202 path of seed 000: a job that outlives the caller's timeout. The API's smallest timeout is 30 s, so this is the
 * one slow test of the job API (about 31 s): the simulated model answers one second after the timeout.
 */
class JobTimeoutTest {
    @Test
    void jobOutlivingItsTimeoutGets202AndCanBePolledUntilItCompletes() {
        try (TestGateway gateway = TestGateway.start(Map.of("simulated.ttft_ms", "31000"))) {
            JobApi api = new JobApi(gateway);
            String key = gateway.createUserKey("patient-user", "user_go");

            Resp r = api.submit(key, JobApi.textJob("gpt-auto", "How many planets are in our solar system?"));

            assertThat(r.status()).as(r.body()).isEqualTo(202);
            String jobId = r.json().path("data").path("job_id").asText();
            assertThat(r.json()).isEqualTo(Json.parseOrNull("""
                    {"success":true,"message":"Job created but timed out waiting for completion",
                     "data":{"status":"timeout","job_id":"%s"}}""".formatted(jobId)));

            JsonNode running = api.job(key, jobId).json().path("data");
            assertThat(running.path("status").asText()).isIn("pending", "assigned");
            assertThat(running.path("result").isNull()).isTrue();

            JsonNode done = api.awaitEnd(key, jobId);
            assertThat(done.path("status").asText()).isEqualTo("completed");
            assertThat(done.path("result").path("response_message").asText()).isNotBlank();
            assertThat(done.path("attempts").asInt()).isEqualTo(1);
        }
    }
}
