package dev.tokengate.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Job batches: a bare JSON array in, every job id out, jobs run asynchronously, and each callback is signed and retried. */
class JobBatchCallbackTest {
    private static final String CALLER_PAYLOAD = "{\"job_reference\":\"batch_123\",\"user_id\":\"user_456\"}";

    private static final String REJECTING_MODEL = "rejecting-model";

    private static ScriptedUpstream upstream;
    private static TestGateway gateway;
    private static JobApi api;
    private static String key;

    @BeforeAll
    static void start() {
        upstream = ScriptedUpstream.start();
        gateway = TestGateway.start(upstream.configWithModels(REJECTING_MODEL),
                Map.of("callbacks.allow_private_networks", "true"), Map.of());
        api = new JobApi(gateway);
        key = gateway.createUserKey("batch-user", "user_go");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void batchOfBareJsonArrayReturnsEveryJobIdAndTheJobsCompleteAsynchronously() {
        String body = "[" + JobApi.textJob("gpt-auto", "Explain photosynthesis in simple terms")
                + "," + JobApi.textJob("gpt-5", "How many planets are in our solar system?")
                + ",{\"model\":\"gpt-5-mini\",\"message_cache_ttl\":300,\"response_format\":{\"format\":\"text\"},"
                + "\"messages\":[{\"role\":\"developer\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi\"}]}]";
        Resp r = api.submitBatch(key, body);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("success").asBoolean()).isTrue();
        JsonNode jobs = r.json().path("data").path("jobs");
        assertThat(jobs.size()).isEqualTo(3);
        assertThat(r.json().path("data").path("count").asInt()).isEqualTo(3);
        List<String> ids = new ArrayList<>();
        for (JsonNode j : jobs) {
            ids.add(UUID.fromString(j.path("job_id").asText()).toString());
            assertThat(j.path("status").asText()).isIn("pending", "assigned");
        }
        assertThat(ids).doesNotHaveDuplicates();

        for (String id : ids) {
            JsonNode done = api.awaitEnd(key, id);
            assertThat(done.path("status").asText()).isEqualTo("completed");
            assertThat(done.path("result").path("response_message").asText()).isNotBlank();
            assertThat(done.path("callback").isNull()).isTrue();
        }
    }

    @Test
    void callbackCarriesTheCallersHeadersThePayloadAndAValidSignature() {
        try (CallbackReceiver receiver = CallbackReceiver.start()) {
            String callback = """
                    "callback":{"callback_url":"%s",
                      "callback_headers":{"Authorization":"Bearer your-webhook-token","X-Custom-Header":"custom-value"},
                      "callback_payload":%s}""".formatted(receiver.url(), CALLER_PAYLOAD);
            Resp r = api.submitBatch(key, "[" + jobWith("Explain photosynthesis in simple terms", callback)
                    + "," + jobWith("Explain gravity in simple terms", callback) + "]");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            r.json().path("data").path("jobs").forEach(j -> ids.add(j.path("job_id").asText()));

            List<CallbackReceiver.Call> calls = receiver.awaitCalls(2);
            String secret = api.callbackSecret(key);
            assertThat(calls).hasSize(2);
            assertThat(calls).extracting(c -> c.body().path("job_id").asText()).containsExactlyInAnyOrderElementsOf(ids);
            for (CallbackReceiver.Call call : calls) {
                assertThat(call.header("Authorization")).isEqualTo("Bearer your-webhook-token");
                assertThat(call.header("X-Custom-Header")).isEqualTo("custom-value");
                assertThat(call.header("Content-Type")).startsWith("application/json");
                assertSignedWith(secret, call);

                JsonNode payload = call.body();
                assertThat(payload.path("status").asText()).isEqualTo("completed");
                assertThat(payload.path("result").path("response_message").asText()).isNotBlank();
                assertThat(payload.path("error").isNull()).isTrue();
                assertThat(payload.path("callback_payload")).isEqualTo(Json.parseOrNull(CALLER_PAYLOAD));
                assertThat(payload.path("created_at").isIntegralNumber()).isTrue();
            }
            for (String id : ids) {
                JsonNode job = api.awaitJob(key, id, d -> "delivered".equals(d.path("callback").path("state").asText()));
                assertThat(job.path("callback").path("attempts").asInt()).isEqualTo(1);
                assertThat(job.path("callback").path("last_status_code").asInt()).isEqualTo(200);
            }
        }
    }

    @Test
    void callbackAnswered500IsRetriedAndTheJobRecordsTheDelivery() {
        try (CallbackReceiver receiver = CallbackReceiver.start()) {
            receiver.answerNext(500);
            String callback = "\"callback\":{\"callback_url\":\"%s\"}".formatted(receiver.url());
            Resp r = api.submitBatch(key, "[" + jobWith("Explain tides in simple terms", callback) + "]");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            String id = r.json().path("data").path("jobs").path(0).path("job_id").asText();

            List<CallbackReceiver.Call> calls = receiver.awaitCalls(2);
            assertThat(calls).extracting(CallbackReceiver.Call::rawBody).containsOnly(calls.get(0).rawBody());
            assertThat(calls.get(0).body().path("job_id").asText()).isEqualTo(id);
            assertThat(calls.get(0).body().path("callback_payload").isNull()).isTrue();

            JsonNode job = api.awaitJob(key, id, d -> "delivered".equals(d.path("callback").path("state").asText()));
            assertThat(job.path("callback").path("attempts").asInt()).isEqualTo(2);
            assertThat(job.path("callback").path("last_status_code").asInt()).isEqualTo(200);
            assertThat(receiver.calls()).hasSize(2);
        }
    }

    @Test
    void callbackOfAFailedJobCarriesTheErrorInsteadOfAResult() {
        upstream.answerNext(REJECTING_MODEL, 400, "This prompt is not acceptable.");
        try (CallbackReceiver receiver = CallbackReceiver.start()) {
            Resp r = api.submitBatch(key, """
                    [{"model":"%s","response_format":{"format":"text"},"messages":[{"role":"user","content":"Hi"}],
                      "callback":{"callback_url":"%s","callback_payload":{"ref":"failing"}}}]""".formatted(REJECTING_MODEL, receiver.url()));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            String id = r.json().path("data").path("jobs").path(0).path("job_id").asText();

            JsonNode payload = receiver.awaitCalls(1).get(0).body();
            assertThat(payload.path("job_id").asText()).isEqualTo(id);
            assertThat(payload.path("status").asText()).isEqualTo("failed");
            assertThat(payload.path("result").isNull()).isTrue();
            assertThat(payload.path("error").asText()).contains("This prompt is not acceptable.");
            assertThat(payload.path("callback_payload").path("ref").asText()).isEqualTo("failing");

            JsonNode job = api.awaitEnd(key, id);
            assertThat(job.path("status").asText()).isEqualTo("failed");
            assertThat(job.path("error").asText()).contains("This prompt is not acceptable.");
        }
    }

    private static String jobWith(String question, String callback) {
        return """
                {"model":"gpt-auto","message_cache_ttl":300,"response_format":{"format":"text"},
                 "messages":[{"role":"user","content":"%s"}],%s}""".formatted(question, callback);
    }

    /** Verifies {@code X-Tokengate-Signature: v1=hex(HMAC-SHA256(secret, timestamp + "." + body))} as a receiver would. */
    private static void assertSignedWith(String secret, CallbackReceiver.Call call) {
        String timestamp = call.header("X-Tokengate-Timestamp");
        assertThat(timestamp).matches("\\d+");
        assertThat(Long.parseLong(timestamp)).isCloseTo(Instant.now().getEpochSecond(), Offset.offset(300L));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal((timestamp + "." + call.rawBody()).getBytes(StandardCharsets.UTF_8));
            assertThat(call.header("X-Tokengate-Signature")).isEqualTo("v1=" + HexFormat.of().formatHex(expected));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
