package dev.tokengate.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The tiers of seed 000: models each may use, jobs per batch, and tokens per request (configured in YAML). */
class JobTierTest {
    private static final int GO_MAX_TOKENS = 64;

    private static TestGateway gateway;
    private static JobApi api;

    @BeforeAll
    static void start() {
        var config = JobApi.configFile("""
                tiers:
                  user_go: {max_tokens: %d}
                """.formatted(GO_MAX_TOKENS));
        gateway = TestGateway.start(config, Map.of(), Map.of());
        api = new JobApi(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @ParameterizedTest(name = "{0} may send {1} jobs per batch")
    @CsvSource({"user_free, 2", "user_go, 10", "user_pro, 20", "user_max, 30"})
    void batchMayHoldExactlyTheTierLimitOfJobs(String tier, int limit) {
        String key = gateway.createUserKey("batch-" + tier, tier);

        Resp atLimit = api.submitBatch(key, batchOf(limit));
        assertThat(atLimit.status()).as(atLimit.body()).isEqualTo(200);
        JsonNode jobs = atLimit.json().path("data").path("jobs");
        assertThat(jobs.size()).isEqualTo(limit);
        Set<String> ids = new HashSet<>();
        jobs.forEach(j -> ids.add(UUID.fromString(j.path("job_id").asText()).toString()));
        assertThat(ids).hasSize(limit);

        Resp overLimit = api.submitBatch(key, batchOf(limit + 1));
        assertThat(overLimit.status()).as(overLimit.body()).isEqualTo(400);
        assertThat(JobApi.errorMessage(overLimit)).contains("limit of " + limit + " jobs", tier);
    }

    @Test
    void freeTierGets403ForGpt5InTheSeedsExactBody() {
        String key = gateway.createUserKey("free-gpt5", "user_free");
        Resp r = api.submit(key, JobApi.textJob("gpt-5", "How many planets are in our solar system?"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json()).isEqualTo(Json.parseOrNull("{\"success\":false,\"message\":\"Free tier users cannot use GPT-5 model\"}"));

        Resp inBatch = api.submitBatch(key, "[" + JobApi.textJob("gpt-5", "Hi") + "]");
        assertThat(inBatch.status()).isEqualTo(403);
        assertThat(JobApi.errorMessage(inBatch)).isEqualTo("Free tier users cannot use GPT-5 model");
    }

    @Test
    void freeTierMayUseGptAutoAndGpt5Mini() {
        String key = gateway.createUserKey("free-allowed", "user_free");
        Resp auto = api.submit(key, JobApi.textJob("gpt-auto", "Hi"));
        assertThat(auto.status()).as(auto.body()).isEqualTo(200);
        Resp mini = api.submit(key, JobApi.textJob("gpt-5-mini", "Hi"));
        assertThat(mini.status()).as(mini.body()).isEqualTo(200);

        // gpt-auto routes within what the tier allows, and the job records the model that served it
        JsonNode job = api.job(key, auto.json().path("data").path("job_id").asText()).json().path("data");
        assertThat(job.path("model").asText()).isEqualTo("gpt-5-mini");
    }

    @Test
    void paidTiersMayUseGpt5() {
        for (String tier : new String[]{"user_go", "user_pro", "user_max"}) {
            String key = gateway.createUserKey("gpt5-" + tier, tier);
            Resp r = api.submit(key, JobApi.textJob("gpt-5", "Hi"));
            assertThat(r.status()).as(tier + ": " + r.body()).isEqualTo(200);
        }
    }

    @Test
    void requestOverTheTiersTokenLimitIsA400NamingTheLimit() {
        String longQuestion = "Tell me about the planets of our solar system. ".repeat(20);
        String goKey = gateway.createUserKey("go-tokens", "user_go");
        Resp r = api.submit(goKey, JobApi.textJob("gpt-5", longQuestion));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(JobApi.errorMessage(r)).contains("at most " + GO_MAX_TOKENS + " tokens", "user_go");

        Resp inBatch = api.submitBatch(goKey, "[" + JobApi.textJob("gpt-5", "Hi") + "," + JobApi.textJob("gpt-5", longQuestion) + "]");
        assertThat(inBatch.status()).as(inBatch.body()).isEqualTo(400);
        assertThat(JobApi.errorMessage(inBatch)).contains("at most " + GO_MAX_TOKENS + " tokens");
        assertThat(inBatch.json().path("param").asText()).isEqualTo("[1].messages");

        String proKey = gateway.createUserKey("pro-tokens", "user_pro");
        assertThat(api.submit(proKey, JobApi.textJob("gpt-5", longQuestion)).status()).isEqualTo(200);
    }

    private static String batchOf(int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "" : ",").append(JobApi.textJob("gpt-auto", "Question " + i));
        return sb.append(']').toString();
    }
}
