package dev.tokengate.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {"format":"json"} jobs: the schema goes to the upstream as structured output, the answer is checked against it, an
 * off-schema answer is asked for once more, and a second miss fails the job.
 */
class JobJsonOutputTest {
    /** The JSON format example of seed 000. */
    private static final String SEED_SCHEMA = """
            {
            "type": "object",
            "properties": {
            "field_name": {
            "type": "string",
            "description": "Description of the field"
            }
            },
            "required": ["field_name"],
            "additionalProperties": false
            }""";

    private static final String PLANETS_SCHEMA = """
            {"type":"object",
             "properties":{
               "planet_count":{"type":"integer","minimum":1,"maximum":20},
               "planets":{"type":"array","items":{"type":"string","minLength":1},"minItems":1,"maxItems":10},
               "confidence":{"type":"string","enum":["low","medium","high"]},
               "moons":{"type":"object","properties":{"earth":{"type":"integer"}},"required":["earth"],"additionalProperties":false}},
             "required":["planet_count","planets","confidence","moons"],
             "additionalProperties":false}""";

    private static ScriptedUpstream upstream;
    private static TestGateway gateway;
    private static JobApi api;
    private static String key;

    @BeforeAll
    static void start() {
        upstream = ScriptedUpstream.start();
        upstream.answerAlways("json-model", "{\"field_name\":\"Neptune\"}");
        upstream.answerAlways("off-schema-model", "{\"planet\":\"Neptune\"}");
        gateway = TestGateway.start(upstream.configWithModels("json-model", "off-schema-model"), Map.of(), Map.of());
        api = new JobApi(gateway);
        key = gateway.createUserKey("json-user", "user_pro");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void simulatedAnswerToTheSeedsJsonFormatIsValidAgainstItsSchema() {
        Resp r = api.submit(key, jsonJob("gpt-5", "Name one planet.", SEED_SCHEMA));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertValid(SEED_SCHEMA, r.json().path("data").path("result").path("response_message").asText());
    }

    @Test
    void simulatedAnswerToANestedSchemaIsValidAgainstIt() {
        Resp r = api.submit(key, jsonJob("gpt-5-mini", "Describe the solar system.", PLANETS_SCHEMA));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertValid(PLANETS_SCHEMA, r.json().path("data").path("result").path("response_message").asText());
    }

    @Test
    void schemaIsPassedToTheUpstreamAsStructuredOutput() {
        String question = "Which planet is farthest from the sun?";
        Resp r = api.submit(key, jsonJob("json-model", question, SEED_SCHEMA));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("data").path("result").path("response_message").asText()).isEqualTo("{\"field_name\":\"Neptune\"}");

        List<JsonNode> sent = upstream.requests("json-model", question);
        assertThat(sent).hasSize(1);
        JsonNode format = sent.get(0).path("response_format");
        assertThat(format.path("type").asText()).isEqualTo("json_schema");
        assertThat(format.path("json_schema").path("schema")).isEqualTo(Json.parseOrNull(SEED_SCHEMA));
    }

    @Test
    void offSchemaAnswerIsAskedForOnceMoreAndAValidRetryCompletesTheJob() {
        String question = "Which planet has the most moons?";
        upstream.answerNext("json-model", 200, "{\"field_name\":42}");
        Resp r = api.submit(key, jsonJob("json-model", question, SEED_SCHEMA));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertValid(SEED_SCHEMA, r.json().path("data").path("result").path("response_message").asText());
        assertThat(upstream.requests("json-model", question)).hasSize(2);
    }

    @Test
    void answerOffSchemaTwiceFailsTheJobWithAClearMessageAfterExactlyOneRetry() {
        String question = "Which planet is the largest?";
        Resp r = api.submit(key, jsonJob("off-schema-model", question, SEED_SCHEMA));

        assertThat(upstream.requests("off-schema-model", question)).hasSize(2);
        assertThat(r.status()).as(r.body()).isEqualTo(502);
        assertThat(r.json().path("success").asBoolean()).isFalse();
        assertThat(r.json().path("message").asText()).contains("did not match the requested JSON schema after a retry");
        String jobId = r.json().path("data").path("job_id").asText();

        JsonNode job = api.job(key, jobId).json().path("data");
        assertThat(job.path("status").asText()).isEqualTo("failed");
        assertThat(job.path("error").asText()).contains("did not match the requested JSON schema");
        assertThat(job.path("result").isNull()).isTrue();
        // a schema miss is final: the queue does not run the job again
        assertThat(job.path("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void answerThatIsNotJsonAtAllFailsTheJobAfterOneRetry() {
        String question = "Which planet is the hottest?";
        upstream.answerNext("json-model", 200, "Venus, obviously.");
        upstream.answerNext("json-model", 200, "Still Venus.");
        Resp r = api.submit(key, jsonJob("json-model", question, SEED_SCHEMA));
        assertThat(r.status()).as(r.body()).isEqualTo(502);
        assertThat(JobApi.errorMessageOfFailedJob(r)).contains("not JSON");
        assertThat(upstream.requests("json-model", question)).hasSize(2);
    }

    private static String jsonJob(String model, String question, String schema) {
        return """
                {"model":"%s","response_format":{"format":"json","schema":%s},
                 "messages":[{"role":"developer","content":"Answer in JSON."},{"role":"user","content":"%s"}]}"""
                .formatted(model, schema, question);
    }

    /** Checks the answer with networknt's validator directly, independent of the gateway's own check. */
    private static void assertValid(String schema, String answer) {
        var errors = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(schema, InputFormat.JSON)
                .validate(answer, InputFormat.JSON);
        assertThat(errors).as(answer).isEmpty();
    }
}
