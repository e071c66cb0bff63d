package dev.tokengate.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every invalid job request is a 400 in the seed's envelope naming the field, never a 5xx. */
class JobRequestValidationTest {
    private static final String USER = "[{\"role\":\"user\",\"content\":\"Hello\"}]";
    private static final String TEXT = "{\"format\":\"text\"}";

    private static TestGateway gateway;
    private static JobApi api;
    private static String key;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
        api = new JobApi(gateway);
        key = gateway.createUserKey("validation-user", "user_go");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            model missing                 | {"response_format":{"format":"text"},"messages":%USER%}                                   | 'model'
            model unknown                 | {"model":"gpt-9","response_format":%TEXT%,"messages":%USER%}                             | model 'gpt-9'
            model not a string            | {"model":5,"response_format":%TEXT%,"messages":%USER%}                                   | 'model'
            timeout below 30              | {"model":"gpt-5","timeout":29,"response_format":%TEXT%,"messages":%USER%}                | 'timeout'
            timeout above 120             | {"model":"gpt-5","timeout":121,"response_format":%TEXT%,"messages":%USER%}               | 'timeout'
            timeout not a number          | {"model":"gpt-5","timeout":"30","response_format":%TEXT%,"messages":%USER%}              | 'timeout'
            cache ttl below 180           | {"model":"gpt-5","message_cache_ttl":179,"response_format":%TEXT%,"messages":%USER%}     | 'message_cache_ttl'
            cache ttl above 3600          | {"model":"gpt-5","message_cache_ttl":3601,"response_format":%TEXT%,"messages":%USER%}    | 'message_cache_ttl'
            response_format missing       | {"model":"gpt-5","messages":%USER%}                                                       | 'response_format'
            response_format not an object | {"model":"gpt-5","response_format":"text","messages":%USER%}                             | 'response_format'
            format unknown                | {"model":"gpt-5","response_format":{"format":"xml"},"messages":%USER%}                   | 'response_format.format'
            json format without schema    | {"model":"gpt-5","response_format":{"format":"json"},"messages":%USER%}                  | 'response_format.schema'
            schema with an unknown type   | {"model":"gpt-5","response_format":{"format":"json","schema":{"type":"objekt"}},"messages":%USER%} | 'response_format.schema'
            schema not an object          | {"model":"gpt-5","response_format":{"format":"json","schema":[1]},"messages":%USER%}     | 'response_format.schema'
            messages missing              | {"model":"gpt-5","response_format":%TEXT%}                                                | 'messages'
            messages empty                | {"model":"gpt-5","response_format":%TEXT%,"messages":[]}                                  | 'messages'
            no user message               | {"model":"gpt-5","response_format":%TEXT%,"messages":[{"role":"assistant","content":"Hi"}]} | role "user"
            role system                   | {"model":"gpt-5","response_format":%TEXT%,"messages":[{"role":"system","content":"Be brief"},{"role":"user","content":"Hi"}]} | 'messages[0].role'
            role system after user        | {"model":"gpt-5","response_format":%TEXT%,"messages":[{"role":"user","content":"Hi"},{"role":"system","content":"x"}]} | 'messages[1].role'
            role tool                     | {"model":"gpt-5","response_format":%TEXT%,"messages":[{"role":"tool","content":"Hi"}]}   | 'messages[0].role'
            content missing               | {"model":"gpt-5","response_format":%TEXT%,"messages":[{"role":"user"}]}                  | 'messages[0].content'
            body an array                 | [{"model":"gpt-5","response_format":%TEXT%,"messages":%USER%}]                          | JSON object
            """)
    void invalidJobRequestIsA400NamingTheField(String what, String body, String named) {
        Resp r = api.submit(key, body.replace("%USER%", USER).replace("%TEXT%", TEXT));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(JobApi.errorMessage(r)).contains(named);
    }

    @Test
    void bodyThatIsNotJsonIsA400() {
        Resp r = api.submit(key, "{\"model\": \"gpt-5\",");
        assertThat(r.status()).isEqualTo(400);
        assertThat(JobApi.errorMessage(r)).contains("not valid JSON");
    }

    @Test
    void invalidItemOfABatchIsNamedByItsIndex() {
        String good = JobApi.textJob("gpt-5", "Hello");
        String bad = "{\"model\":\"gpt-5\",\"response_format\":" + TEXT + ",\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}";
        Resp r = api.submitBatch(key, "[" + good + "," + bad + "]");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(JobApi.errorMessage(r)).contains("[1].messages[0].role");
    }

    @Test
    void batchBodyMustBeANonEmptyArray() {
        Resp object = api.submitBatch(key, JobApi.textJob("gpt-5", "Hello"));
        assertThat(object.status()).isEqualTo(400);
        assertThat(JobApi.errorMessage(object)).contains("JSON array");
        Resp empty = api.submitBatch(key, "[]");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(JobApi.errorMessage(empty)).contains("at least one");
    }

    @Test
    void callbackToALoopbackAddressIsRefusedUnlessPrivateNetworksAreAllowed() {
        String job = """
                [{"model":"gpt-5","response_format":{"format":"text"},"messages":[{"role":"user","content":"Hi"}],
                  "callback":{"callback_url":"http://127.0.0.1:9/webhook"}}]""";
        Resp r = api.submitBatch(key, job);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(JobApi.errorMessage(r)).contains("[0].callback.callback_url");
    }

    @Test
    void callbackUrlThatIsNotHttpIsRefused() {
        String job = """
                [{"model":"gpt-5","response_format":{"format":"text"},"messages":[{"role":"user","content":"Hi"}],
                  "callback":{"callback_url":"file:///etc/passwd"}}]""";
        Resp r = api.submitBatch(key, job);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(JobApi.errorMessage(r)).contains("[0].callback.callback_url");
    }
}
