package dev.tokengate.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Seed 000's examples, sent as written, and the auth, ownership and idempotency rules around them. */
class JobSeedExamplesTest {
    /** The request body example of seed 000, verbatim. */
    private static final String SEED_BODY = """
            {
            "model": "gpt-auto",
            "timeout": 30,
            "response_format": {
            "format": "text"
            },
            "messages": [
            {
            "role": "user",
            "content": "How many planets are in our solar system?"
            }
            ]
            }""";

    /** What the seed's curl call sends with {@code -d '...'}, whitespace included. */
    private static final String CURL_BODY = """
            {
              "model": "gpt-auto",
              "timeout": 30,
              "response_format": {
                "format": "text"
              },
              "messages": [
                {
                  "role": "user",
                  "content": "How many planets are in our solar system?"
                }
              ]
            }""";

    /** What the seed's TypeScript {@code JSON.stringify({...})} produces for createJob("How many planets ..."). */
    private static final String FETCH_BODY = "{\"model\":\"gpt-auto\",\"timeout\":30,\"response_format\":{\"format\":\"text\"},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"How many planets are in our solar system?\"}]}";

    private static TestGateway gateway;
    private static JobApi api;
    private static String key;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start();
        api = new JobApi(gateway);
        key = gateway.createUserKey("seed-user", "user_go");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void seedBodyExampleCompletesWithTheDocumentedEnvelope() {
        long before = Instant.now().getEpochSecond();
        Resp r = api.submit(key, SEED_BODY);
        assertCompletedEnvelope(r, before);
    }

    @Test
    void seedCurlCallCompletesWithTheDocumentedEnvelope() {
        long before = Instant.now().getEpochSecond();
        // curl -X POST ".../api/v1/jobs/messages" -H "Content-Type: application/json" -H "x-api-key: ..." -d '...'
        Resp r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/api/v1/jobs/messages"))
                .header("Content-Type", "application/json")
                .header("x-api-key", key)
                .POST(HttpRequest.BodyPublishers.ofString(CURL_BODY)), null);
        assertCompletedEnvelope(r, before);
    }

    @Test
    void seedTypeScriptFetchCallCompletesWithTheDocumentedEnvelope() {
        long before = Instant.now().getEpochSecond();
        // fetch(`${BASE_URL}${ENDPOINT}`, {method: "POST", headers: API_CONFIG.HEADERS, body: JSON.stringify(...)})
        Resp r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/api/v1/jobs/messages"))
                .header("Content-Type", "application/json")
                .header("x-api-key", key)
                .method("POST", HttpRequest.BodyPublishers.ofString(FETCH_BODY)), null);
        // the example throws unless response.ok, then logs result: a 2xx with the envelope
        assertCompletedEnvelope(r, before);
    }

    @Test
    void bearerKeyIsAcceptedAsWellAsXApiKey() {
        long before = Instant.now().getEpochSecond();
        Resp r = gateway.post("/api/v1/jobs/messages", key, SEED_BODY);
        assertCompletedEnvelope(r, before);
    }

    @Test
    void unknownOrMissingApiKeyGets401InTheSeedEnvelope() {
        Resp wrong = api.submit("tg-not-a-real-key-000000000000", SEED_BODY);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(JobApi.errorMessage(wrong)).isNotBlank();

        Resp missing = gateway.post("/api/v1/jobs/messages", null, SEED_BODY);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(JobApi.errorMessage(missing)).contains("API key");
    }

    @Test
    void jobIsReadableByItsOwnerAndNotFoundForAnotherUser() {
        String otherKey = gateway.createUserKey("other-user", "user_go");
        String jobId = api.submit(key, SEED_BODY).json().path("data").path("job_id").asText();

        Resp own = api.job(key, jobId);
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().path("success").asBoolean()).isTrue();
        assertThat(own.json().path("message").asText()).isEqualTo("Job result retrieved successfully");
        JsonNode data = own.json().path("data");
        assertThat(data.path("status").asText()).isEqualTo("completed");
        assertThat(data.path("job_id").asText()).isEqualTo(jobId);
        assertThat(data.path("result").path("response_message").asText()).isNotBlank();
        assertThat(data.path("error").isNull()).isTrue();

        Resp foreign = api.job(otherKey, jobId);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(JobApi.errorMessage(foreign)).contains("not found");
        assertThat(api.job(key, UUID.randomUUID().toString()).status()).isEqualTo(404);
    }

    @Test
    void repeatedIdempotencyKeyReturnsTheSameJobForTheSameUserOnly() {
        String idempotencyKey = "order-" + UUID.randomUUID();
        String first = api.submit(key, SEED_BODY, idempotencyKey).json().path("data").path("job_id").asText();
        Resp again = api.submit(key, SEED_BODY, idempotencyKey);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("data").path("job_id").asText()).isEqualTo(first);

        String otherKeyJob = api.submit(key, SEED_BODY, "order-" + UUID.randomUUID()).json().path("data").path("job_id").asText();
        assertThat(otherKeyJob).isNotEqualTo(first);

        String otherUser = gateway.createUserKey("idempotent-other", "user_go");
        String othersJob = api.submit(otherUser, SEED_BODY, idempotencyKey).json().path("data").path("job_id").asText();
        assertThat(othersJob).isNotEqualTo(first);
    }

    private static void assertCompletedEnvelope(Resp r, long notBefore) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.properties()).extracting(e -> e.getKey()).containsExactly("success", "message", "data");
        assertThat(body.path("success").isBoolean() && body.path("success").asBoolean()).isTrue();
        assertThat(body.path("message").asText()).isEqualTo("Job completed successfully");
        JsonNode data = body.path("data");
        assertThat(data.properties()).extracting(e -> e.getKey()).containsExactlyInAnyOrder("status", "job_id", "created_at", "result");
        assertThat(data.path("status").asText()).isEqualTo("completed");
        assertThat(UUID.fromString(data.path("job_id").asText()).toString()).isEqualTo(data.path("job_id").asText());
        assertThat(data.path("created_at").isIntegralNumber()).isTrue();
        // unix seconds, as in the seed's 1704067200, not milliseconds
        assertThat(data.path("created_at").asLong()).isBetween(notBefore, Instant.now().getEpochSecond());
        JsonNode result = data.path("result");
        assertThat(result.properties()).extracting(e -> e.getKey()).containsExactly("response_message");
        assertThat(result.path("response_message").isTextual()).isTrue();
        assertThat(result.path("response_message").asText()).isNotBlank();
    }
}
