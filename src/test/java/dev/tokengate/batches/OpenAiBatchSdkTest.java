package dev.tokengate.batches;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.ObjectMappers;
import com.openai.core.http.HttpResponse;
import com.openai.models.batches.Batch;
import com.openai.models.batches.BatchCreateParams;
import com.openai.models.batches.BatchListParams;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FileDeleted;
import com.openai.models.files.FileListParams;
import com.openai.models.files.FileObject;
import com.openai.models.files.FilePurpose;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official openai-java SDK runs a whole batch: upload, create, poll, download, parse every line. */
class OpenAiBatchSdkTest {
    private static TestGateway gw;
    private static String key;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        key = gw.createUserKey("sdk-batch", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void sdkUploadsRunsPollsAndDownloadsABatchWhoseEveryOutputLineIsAChatCompletion(@TempDir Path dir) throws IOException {
        OpenAIClient client = BatchTesting.sdk(gw, key);
        List<String> customIds = BatchTesting.ids("request-", 5);
        Path input = dir.resolve("requests.jsonl");
        Files.writeString(input, BatchTesting.jsonl("gpt-4o", customIds));

        FileObject file = client.files().create(FileCreateParams.builder().file(input).purpose(FilePurpose.BATCH).build());
        assertThat(file.id()).startsWith("file-");
        assertThat(file.filename()).isEqualTo("requests.jsonl");
        assertThat(file.bytes()).isEqualTo(Files.size(input));
        assertThat(file.purpose()).isEqualTo(FileObject.Purpose.BATCH);
        assertThat(file.status()).isEqualTo(FileObject.Status.PROCESSED);

        Batch created = client.batches().create(BatchCreateParams.builder().inputFileId(file.id())
                .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                .completionWindow(BatchCreateParams.CompletionWindow._24H).build());
        assertThat(created.id()).startsWith("batch_");
        assertThat(created.inputFileId()).isEqualTo(file.id());
        assertThat(created.endpoint()).isEqualTo("/v1/chat/completions");
        assertThat(created.model()).contains("gpt-4o");

        Batch done = BatchTesting.await(() -> client.batches().retrieve(created.id()),
                b -> b.status().equals(Batch.Status.COMPLETED));
        assertThat(done.requestCounts().orElseThrow().total()).isEqualTo(5);
        assertThat(done.requestCounts().orElseThrow().completed()).isEqualTo(5);
        assertThat(done.requestCounts().orElseThrow().failed()).isZero();
        assertThat(done.usage().orElseThrow().totalTokens()).isPositive();
        assertThat(done.completedAt()).isPresent();
        assertThat(done.errorFileId()).isEmpty();

        String outputId = done.outputFileId().orElseThrow();
        assertThat(client.files().retrieve(outputId).purpose()).isEqualTo(FileObject.Purpose.BATCH_OUTPUT);
        String output;
        try (HttpResponse content = client.files().content(outputId)) {
            output = new String(content.body().readAllBytes(), StandardCharsets.UTF_8);
        }
        Set<String> seen = new HashSet<>();
        List<String> lines = output.lines().toList();
        assertThat(lines).hasSize(5);
        for (String text : lines) {
            JsonNode line = Json.parseOrNull(text);
            assertThat(line.path("id").asText()).startsWith("batch_req_");
            assertThat(seen.add(line.path("custom_id").asText())).isTrue();
            assertThat(line.get("error").isNull()).isTrue();
            assertThat(line.path("response").path("status_code").asInt()).isEqualTo(200);
            assertThat(line.path("response").path("request_id").asText()).startsWith("req_");
            ChatCompletion completion = ObjectMappers.jsonMapper().treeToValue(line.path("response").path("body"), ChatCompletion.class);
            completion.validate();
            assertThat(completion.choices().get(0).message().content()).isPresent();
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(customIds);
    }

    @Test
    void sdkAutoPagersWalkEveryBatchAndFileAndStop(@TempDir Path dir) throws IOException {
        String pagerKey = gw.createUserKey("sdk-pager", "user_pro");
        OpenAIClient client = BatchTesting.sdk(gw, pagerKey);
        List<String> fileIds = new ArrayList<>();
        List<String> batchIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path input = dir.resolve("in" + i + ".jsonl");
            Files.writeString(input, BatchTesting.jsonl("gpt-4o", List.of("only")));
            String fileId = client.files().create(FileCreateParams.builder().file(input).purpose(FilePurpose.BATCH).build()).id();
            fileIds.add(fileId);
            batchIds.add(client.batches().create(BatchCreateParams.builder().inputFileId(fileId)
                    .endpoint(BatchCreateParams.Endpoint.V1_CHAT_COMPLETIONS)
                    .completionWindow(BatchCreateParams.CompletionWindow._24H).build()).id());
        }
        List<String> pagedBatches = new ArrayList<>();
        client.batches().list(BatchListParams.builder().limit(2).build()).autoPager().forEach(b -> pagedBatches.add(b.id()));
        assertThat(pagedBatches).containsExactlyInAnyOrderElementsOf(batchIds);

        List<String> pagedFiles = new ArrayList<>();
        client.files().list(FileListParams.builder().purpose("batch").limit(2).build()).autoPager().forEach(f -> pagedFiles.add(f.id()));
        assertThat(pagedFiles).containsExactlyInAnyOrderElementsOf(fileIds);

        FileDeleted deleted = client.files().delete(fileIds.get(0));
        assertThat(deleted.deleted()).isTrue();
        assertThat(deleted.id()).isEqualTo(fileIds.get(0));
    }

    @Test
    void sdkUploadOfBareBytesWithoutAFilenameIsAcceptedWhenSmallAndA400WhenOverTheFormFieldLimit() {
        OpenAIClient client = BatchTesting.sdk(gw, key);
        byte[] small = BatchTesting.jsonl("gpt-4o", List.of("bare")).getBytes(StandardCharsets.UTF_8);
        FileObject f = client.files().create(FileCreateParams.builder().file(small).purpose(FilePurpose.BATCH).build());
        assertThat(f.bytes()).isEqualTo(small.length);
        assertThat(f.filename()).isEqualTo("file");

        byte[] large = BatchTesting.jsonl("gpt-4o", BatchTesting.ids("bare-", 400)).getBytes(StandardCharsets.UTF_8);
        dev.tokengate.support.TestGateway.Resp r = BatchTesting.upload(gw, key, null, "batch", large);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("invalid_multipart");
    }
}
