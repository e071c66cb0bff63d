package dev.tokengate.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The message cache: an identical request of the same user within its TTL is answered without an upstream call. */
class JobMessageCacheTest {
    private static final String MODEL = "cached-model";
    private static final String ANSWER = "{\"field_name\":\"Eight planets\"}";
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"field_name\":{\"type\":\"string\"}},"
            + "\"required\":[\"field_name\"],\"additionalProperties\":false}";

    private static ScriptedUpstream upstream;
    private static TestGateway gateway;
    private static JobApi api;

    @BeforeAll
    static void start() {
        upstream = ScriptedUpstream.start();
        upstream.answerAlways(MODEL, ANSWER);
        gateway = TestGateway.start(upstream.configWithModels(MODEL), Map.of(), Map.of());
        api = new JobApi(gateway);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void identicalRequestIsServedFromTheCacheWithoutCallingTheUpstream() {
        String key = gateway.createUserKey("cache-same", "user_go");
        String question = "How many planets are in our solar system?";
        Resp first = api.submit(key, textJob(question));
        Resp second = api.submit(key, textJob(question));

        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(answer(second)).isEqualTo(answer(first)).isEqualTo(ANSWER);
        assertThat(jobId(second)).isNotEqualTo(jobId(first));
        assertThat(upstream.requests(MODEL, question)).hasSize(1);
    }

    @Test
    void sameRequestOfAnotherUserIsNotACacheHit() {
        String question = "Which planet is closest to the sun?";
        Resp a = api.submit(gateway.createUserKey("cache-user-a", "user_go"), textJob(question));
        Resp b = api.submit(gateway.createUserKey("cache-user-b", "user_go"), textJob(question));

        assertThat(a.status()).isEqualTo(200);
        assertThat(b.status()).isEqualTo(200);
        assertThat(upstream.requests(MODEL, question)).hasSize(2);
    }

    @Test
    void sameMessagesWithAnotherResponseFormatAreNotACacheHit() {
        String key = gateway.createUserKey("cache-format", "user_go");
        String question = "Which planet has rings?";
        Resp text = api.submit(key, textJob(question));
        Resp json = api.submit(key, """
                {"model":"%s","response_format":{"format":"json","schema":%s},
                 "messages":[{"role":"user","content":"%s"}]}""".formatted(MODEL, SCHEMA, question));

        assertThat(text.status()).isEqualTo(200);
        assertThat(json.status()).as(json.body()).isEqualTo(200);
        assertThat(upstream.requests(MODEL, question)).hasSize(2);
    }

    private static String textJob(String question) {
        return JobApi.textJob(MODEL, question);
    }

    private static String answer(Resp r) {
        return r.json().path("data").path("result").path("response_message").asText();
    }

    private static String jobId(Resp r) {
        return r.json().path("data").path("job_id").asText();
    }
}
