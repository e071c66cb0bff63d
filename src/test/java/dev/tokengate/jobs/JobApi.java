package dev.tokengate.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.TestGateway.Resp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Predicate;

/** Talks to the job API of a test gateway the way seed 000's clients do: {@code x-api-key} and JSON bodies. */
final class JobApi {
    static final String MESSAGES = "/api/v1/jobs/messages";
    static final String BATCHES = "/api/v1/jobs/messages/batches";
    private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

    private final TestGateway gateway;

    JobApi(TestGateway gateway) {
        this.gateway = gateway;
    }

    /** A text job as seed 000 writes it, asking {@code question} of {@code model}. */
    static String textJob(String model, String question) {
        return """
                {"model":"%s","timeout":30,"response_format":{"format":"text"},
                 "messages":[{"role":"user","content":%s}]}""".formatted(model, Json.text(Json.object().textNode(question)));
    }

    Resp submit(String apiKey, String body) {
        return gateway.send(post(MESSAGES, apiKey, body), null);
    }

    Resp submit(String apiKey, String body, String idempotencyKey) {
        return gateway.send(post(MESSAGES, apiKey, body).header("Idempotency-Key", idempotencyKey), null);
    }

    Resp submitBatch(String apiKey, String body) {
        return gateway.send(post(BATCHES, apiKey, body), null);
    }

    Resp job(String apiKey, String jobId) {
        return gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/api/v1/jobs/" + jobId))
                .header("x-api-key", apiKey).GET(), null);
    }

    String callbackSecret(String apiKey) {
        Resp r = gateway.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/api/v1/callback-secret"))
                .header("x-api-key", apiKey).GET(), null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("data").path("secret").asText();
    }

    /** Polls the job until it ended (completed, failed or cancelled) and returns its {@code data}. */
    JsonNode awaitEnd(String apiKey, String jobId) {
        return awaitJob(apiKey, jobId, d -> TERMINAL.contains(d.path("status").asText()));
    }

    /** Polls the job until its {@code data} satisfies {@code done}, for at most 15 seconds. */
    JsonNode awaitJob(String apiKey, String jobId, Predicate<JsonNode> done) {
        return Poll.until(() -> {
            Resp r = job(apiKey, jobId);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            return r.json().path("data");
        }, done, "job " + jobId);
    }

    private HttpRequest.Builder post(String path, String apiKey, String body) {
        return HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .header("Content-Type", "application/json")
                .header("x-api-key", apiKey)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    /** Writes a YAML config file for {@link TestGateway#start(Path, java.util.Map, java.util.Map)}. */
    static Path configFile(String yaml) {
        try {
            Path file = Files.createTempFile("tokengate-jobs", ".yaml");
            Files.writeString(file, yaml);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The message of a job that ran and failed: {@code success:false} with the failed job in {@code data}. */
    static String errorMessageOfFailedJob(Resp r) {
        JsonNode body = r.json();
        assertThat(body.path("success").asBoolean(true)).as(r.body()).isFalse();
        assertThat(body.path("data").path("status").asText()).as(r.body()).isEqualTo("failed");
        assertThat(body.path("data").path("job_id").asText()).as(r.body()).isNotBlank();
        return body.path("message").asText();
    }

    /** The {@code success:false} envelope of an error, asserting it has no {@code data} and a message. */
    static String errorMessage(Resp r) {
        JsonNode body = r.json();
        assertThat(body.path("success").isBoolean()).as(r.body()).isTrue();
        assertThat(body.path("success").asBoolean()).as(r.body()).isFalse();
        assertThat(body.path("message").isTextual()).as(r.body()).isTrue();
        assertThat(body.has("data")).as(r.body()).isFalse();
        return body.path("message").asText();
    }
}
