package dev.tokengate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestGateway;
import org.junit.jupiter.api.Test;

/**
 * A job's JSON Schema may only reference itself. A {@code $ref} to another document passed validation and then made
 * every attempt fail as if the infrastructure were down (202 "queued for retry", five attempts), never a client error.
 */
class JobSchemaReferenceTest {
    @Test
    void aSchemaReferringOutsideItselfIsA400AndALocalReferenceWorks() {
        try (TestGateway gw = TestGateway.start()) {
            String key = gw.createUserKey("schema-refs", "user_go");
            TestGateway.Resp remote = gw.post("/api/v1/jobs/messages", key, job("""
                    {"type":"object","properties":{"a":{"$ref":"http://127.0.0.1:9/schema.json"}}}"""));
            assertThat(remote.status()).as(remote.body()).isEqualTo(400);
            assertThat(remote.json().path("success").asBoolean(true)).isFalse();
            assertThat(remote.json().path("param").asText()).isEqualTo("response_format.schema");
            assertThat(remote.json().path("message").asText()).contains("$ref").contains("http://127.0.0.1:9/schema.json");

            TestGateway.Resp local = gw.post("/api/v1/jobs/messages", key, job("""
                    {"type":"object","$defs":{"n":{"type":"integer"}},"properties":{"a":{"$ref":"#/$defs/n"}},"required":["a"]}"""));
            assertThat(local.status()).as(local.body()).isEqualTo(200);
            assertThat(local.json().path("data").path("result").path("response_message").asText()).contains("\"a\"");
        }
    }

    private static String job(String schema) {
        return "{\"model\":\"gpt-5-mini\",\"timeout\":30,\"response_format\":{\"format\":\"json\",\"schema\":" + schema + "},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Give a.\"}]}";
    }
}
