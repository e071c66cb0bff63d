package dev.tokengate.batches;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.tokengate.support.TestGateway;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Helpers shared by the batch tests: SDK clients, JSONL inputs, multipart uploads and polling. */
final class BatchTesting {
    private static final Duration POLL_LIMIT = Duration.ofSeconds(30);

    private BatchTesting() {}

    /** The official SDK with response validation on, so a missing required key fails the test. */
    static OpenAIClient sdk(TestGateway gw, String key) {
        return OpenAIOkHttpClient.builder().baseUrl(gw.openAiBaseUrl()).apiKey(key).maxRetries(0).responseValidation(true).build();
    }

    /** One chat request line per custom id, all for {@code model}. */
    static String jsonl(String model, List<String> customIds) {
        StringBuilder sb = new StringBuilder();
        for (String id : customIds) {
            sb.append("{\"custom_id\":\"").append(id).append("\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",")
                    .append("\"body\":{\"model\":\"").append(model).append("\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi to ")
                    .append(id).append("\"}]}}\n");
        }
        return sb.toString();
    }

    static List<String> ids(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(prefix + i);
        return out;
    }

    /** POST /v1/files as multipart/form-data with a {@code file} part (without a filename if null) and the given purpose. */
    static TestGateway.Resp upload(TestGateway gw, String key, String filename, String purpose, byte[] content) {
        String boundary = "----tg" + UUID.randomUUID();
        var body = new java.io.ByteArrayOutputStream();
        if (purpose != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n" + purpose + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (content != null) {
            String named = filename == null ? "" : "; filename=\"" + filename + "\"";
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"" + named
                    + "\r\nContent-Type: application/jsonl\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(content);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())), key);
    }

    /** Uploads {@code jsonl} with purpose batch and returns the file id. */
    static String uploadBatchInput(TestGateway gw, String key, String jsonl) {
        TestGateway.Resp r = upload(gw, key, "input.jsonl", "batch", jsonl.getBytes(StandardCharsets.UTF_8));
        if (r.status() != 200) throw new AssertionError("upload failed: " + r.status() + " " + r.body());
        return r.json().path("id").asText();
    }

    /** Creates an OpenAI batch over an uploaded file and returns the Batch object. */
    static JsonNode createBatch(TestGateway gw, String key, String fileId) {
        TestGateway.Resp r = gw.post("/v1/batches", key, "{\"input_file_id\":\"" + fileId
                + "\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}");
        if (r.status() != 200) throw new AssertionError("batch create failed: " + r.status() + " " + r.body());
        return r.json();
    }

    /** Polls until {@code done} holds, failing after a generous limit so a hung engine cannot hang the build. */
    static <T> T await(Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + POLL_LIMIT.toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) throw new AssertionError("condition not reached; last value: " + last);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = probe.get();
        }
        return last;
    }

    /** Polls GET {@code path} until its JSON {@code status} is one of {@code statuses}. */
    static JsonNode awaitStatus(TestGateway gw, String key, String path, String... statuses) {
        List<String> wanted = List.of(statuses);
        return await(() -> gw.get(path, key).json(), j -> wanted.contains(j.path("status").asText()));
    }
}
