package dev.tokengate.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seed 000's recoveries for an upstream timeout (408) and an unavailable upstream (503): the job is kept, the caller
 * gets 202 with its id at once, and the queue retries the job until it completes.
 */
class JobUpstreamOutageTest {
    private static final String MODEL = "flaky-model";

    private static ScriptedUpstream upstream;
    private static TestGateway gateway;
    private static JobApi api;
    private static String key;

    @BeforeAll
    static void start() {
        upstream = ScriptedUpstream.start();
        upstream.answerAlways(MODEL, "Eight planets.");
        gateway = TestGateway.start(upstream.configWithModels(MODEL), Map.of(), Map.of());
        api = new JobApi(gateway);
        key = gateway.createUserKey("outage-user", "user_go");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @ParameterizedTest(name = "upstream answers {0} once")
    @ValueSource(ints = {408, 503})
    void failedUpstreamAttemptGives202WithTheJobIdAndTheJobIsRetriedToCompletion(int upstreamStatus) {
        String question = "How many planets? (upstream " + upstreamStatus + ")";
        upstream.answerNext(MODEL, upstreamStatus, "try again later");

        Resp r = api.submit(key, JobApi.textJob(MODEL, question));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().path("success").asBoolean()).isTrue();
        String jobId = r.json().path("data").path("job_id").asText();
        assertThat(r.json().path("data").path("status").asText()).isEqualTo("pending");
        assertThat(r.json().path("message").asText()).contains("/api/v1/jobs/" + jobId);

        JsonNode done = api.awaitEnd(key, jobId);
        assertThat(done.path("status").asText()).isEqualTo("completed");
        assertThat(done.path("result").path("response_message").asText()).isEqualTo("Eight planets.");
        assertThat(done.path("attempts").asInt()).isEqualTo(2);
        assertThat(upstream.requests(MODEL, question)).hasSize(2);
    }
}
