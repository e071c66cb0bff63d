package dev.tokengate.batches;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenAI's Files API: upload, the File object, listing with cursors, raw content, delete, limits and isolation. */
class FilesApiTest {
    private static final long MAX_FILE_BYTES = 4096;
    private static TestGateway gw;
    private static String key;
    private static String otherKey;

    @BeforeAll
    static void start() {
        gw = TestGateway.start(Map.of("batches.max_file_bytes", String.valueOf(MAX_FILE_BYTES)));
        key = gw.createUserKey("files-owner", "user_pro");
        otherKey = gw.createUserKey("files-other", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void uploadAnswersAFileObjectWithEveryRequiredKey() {
        byte[] content = "{\"a\":1}\n".getBytes(StandardCharsets.UTF_8);
        JsonNode f = BatchTesting.upload(gw, key, "mydata.jsonl", "batch", content).json();
        assertThat(f.path("id").asText()).startsWith("file-");
        assertThat(f.path("object").asText()).isEqualTo("file");
        assertThat(f.path("bytes").asLong()).isEqualTo(content.length);
        assertThat(f.path("created_at").isIntegralNumber()).isTrue();
        assertThat(f.path("created_at").asLong()).isBetween(System.currentTimeMillis() / 1000 - 60, System.currentTimeMillis() / 1000 + 1);
        assertThat(f.has("expires_at")).isTrue();
        assertThat(f.get("expires_at").isNull()).isTrue();
        assertThat(f.path("filename").asText()).isEqualTo("mydata.jsonl");
        assertThat(f.path("purpose").asText()).isEqualTo("batch");
        assertThat(f.path("status").asText()).isEqualTo("processed");
        assertThat(gw.get("/v1/files/" + f.path("id").asText(), key).json()).isEqualTo(f);
    }

    @Test
    void expiresAfterSetsExpiresAtFromCreation() {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nuser_data\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"expires_after[anchor]\"\r\n\r\ncreated_at\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"expires_after[seconds]\"\r\n\r\n3600\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.txt\"\r\n\r\nhello\r\n"
                + "--" + boundary + "--\r\n";
        JsonNode f = gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/files"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)), key).json();
        assertThat(f.path("expires_at").asLong()).isEqualTo(f.path("created_at").asLong() + 3600);
    }

    @Test
    void contentReturnsTheExactBytesUploaded() throws Exception {
        byte[] content = new byte[256];
        for (int i = 0; i < content.length; i++) content[i] = (byte) i;
        String id = BatchTesting.upload(gw, key, "blob.bin", "user_data", content).json().path("id").asText();
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/files/" + id + "/content"))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(content);
    }

    @Test
    void listPagesNewestFirstWithAccurateHasMoreAndCursors() {
        String lister = gw.createUserKey("files-lister", "user_pro");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(BatchTesting.upload(gw, lister, "f" + i + ".jsonl", "batch", "{}\n".getBytes(StandardCharsets.UTF_8)).json().path("id").asText());
        }
        BatchTesting.upload(gw, lister, "notes.txt", "user_data", "x".getBytes(StandardCharsets.UTF_8));

        JsonNode first = gw.get("/v1/files?purpose=batch&limit=2", lister).json();
        assertThat(first.path("object").asText()).isEqualTo("list");
        assertThat(first.path("data")).hasSize(2);
        assertThat(first.path("has_more").asBoolean()).isTrue();
        assertThat(first.path("first_id").asText()).isEqualTo(first.path("data").get(0).path("id").asText());
        assertThat(first.path("last_id").asText()).isEqualTo(first.path("data").get(1).path("id").asText());

        JsonNode second = gw.get("/v1/files?purpose=batch&limit=2&after=" + first.path("last_id").asText(), lister).json();
        assertThat(second.path("data")).hasSize(1);
        assertThat(second.path("has_more").asBoolean()).isFalse();

        List<String> seen = new ArrayList<>();
        first.path("data").forEach(f -> seen.add(f.path("id").asText()));
        second.path("data").forEach(f -> seen.add(f.path("id").asText()));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);

        JsonNode all = gw.get("/v1/files", lister).json();
        assertThat(all.path("data")).hasSize(4);
        assertThat(all.path("has_more").asBoolean()).isFalse();
        JsonNode ascending = gw.get("/v1/files?order=asc", lister).json();
        List<String> asc = new ArrayList<>();
        ascending.path("data").forEach(f -> asc.add(f.path("id").asText()));
        List<String> desc = new ArrayList<>();
        all.path("data").forEach(f -> desc.add(f.path("id").asText()));
        assertThat(asc).isEqualTo(desc.reversed());
    }

    @Test
    void deleteAnswersTheDeletedShapeAndTheFileIsGone() {
        String id = BatchTesting.upload(gw, key, "gone.jsonl", "batch", "{}\n".getBytes(StandardCharsets.UTF_8)).json().path("id").asText();
        TestGateway.Resp deleted = gw.send("DELETE", "/v1/files/" + id, key, null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json()).isEqualTo(dev.tokengate.core.Json.object().put("id", id).put("object", "file").put("deleted", true));
        assertThat(gw.get("/v1/files/" + id, key).status()).isEqualTo(404);
        assertThat(gw.get("/v1/files/" + id + "/content", key).status()).isEqualTo(404);
        assertThat(gw.send("DELETE", "/v1/files/" + id, key, null).status()).isEqualTo(404);
    }

    @Test
    void anotherUsersFileIsNotFoundEverywhere() {
        String id = BatchTesting.upload(gw, key, "mine.jsonl", "batch", "{}\n".getBytes(StandardCharsets.UTF_8)).json().path("id").asText();
        assertThat(gw.get("/v1/files/" + id, otherKey).status()).isEqualTo(404);
        assertThat(gw.get("/v1/files/" + id + "/content", otherKey).status()).isEqualTo(404);
        assertThat(gw.send("DELETE", "/v1/files/" + id, otherKey, null).status()).isEqualTo(404);
        assertThat(gw.get("/v1/files?after=" + id, otherKey).json().path("data")).isEmpty();
        gw.get("/v1/files", otherKey).json().path("data").forEach(f -> assertThat(f.path("id").asText()).isNotEqualTo(id));
        assertThat(gw.get("/v1/files/" + id, key).status()).isEqualTo(200);
    }

    @Test
    void aFileOverTheSizeLimitIs413WhetherTheBodyOrOnlyTheFilePartIsTooLargeAndTheNextUploadStillWorks() {
        TestGateway.Resp slightlyOver = BatchTesting.upload(gw, key, "big.jsonl", "batch", new byte[(int) MAX_FILE_BYTES + 1]);
        assertThat(slightlyOver.status()).isEqualTo(413);
        assertThat(slightlyOver.json().path("error").path("code").asText()).isEqualTo("file_too_large");
        TestGateway.Resp farOver = BatchTesting.upload(gw, key, "huge.jsonl", "batch", new byte[200_000]);
        assertThat(farOver.status()).isEqualTo(413);
        assertThat(farOver.json().path("error").path("message").asText()).contains(String.valueOf(MAX_FILE_BYTES));
        assertThat(BatchTesting.upload(gw, key, "fits.jsonl", "batch", new byte[(int) MAX_FILE_BYTES]).status()).isEqualTo(200);
    }

    @Test
    void purposeMustBeOneOfOpenAisUploadPurposes() {
        byte[] content = "{}\n".getBytes(StandardCharsets.UTF_8);
        TestGateway.Resp unknown = BatchTesting.upload(gw, key, "a.jsonl", "training", content);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().path("error").path("param").asText()).isEqualTo("purpose");
        assertThat(BatchTesting.upload(gw, key, "a.jsonl", "batch_output", content).status()).isEqualTo(400);
        assertThat(BatchTesting.upload(gw, key, "a.jsonl", null, content).status()).isEqualTo(400);
        for (String purpose : List.of("assistants", "batch", "fine-tune", "vision", "user_data", "evals")) {
            assertThat(BatchTesting.upload(gw, key, "a.jsonl", purpose, content).status()).as(purpose).isEqualTo(200);
        }
    }

    @Test
    void anUploadWithoutAFilePartOrNotMultipartIs400() {
        TestGateway.Resp noFile = BatchTesting.upload(gw, key, "a.jsonl", "batch", null);
        assertThat(noFile.status()).isEqualTo(400);
        assertThat(noFile.json().path("error").path("param").asText()).isEqualTo("file");
        assertThat(gw.post("/v1/files", key, "{\"purpose\":\"batch\"}").status()).isEqualTo(400);
    }

    @Test
    void anUploadWithoutAValidKeyIs401AndTheNextUploadStillWorks() {
        assertThat(BatchTesting.upload(gw, "tg-wrong", "a.jsonl", "batch", new byte[100_000]).status()).isEqualTo(401);
        assertThat(BatchTesting.upload(gw, key, "a.jsonl", "batch", "{}\n".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        assertThat(gw.get("/v1/files", null).status()).isEqualTo(401);
    }
}
