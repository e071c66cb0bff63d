package dev.tokengate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tokengate batch submit FILE.jsonl}: OpenAI batch lines run as a message batch, results keyed by custom_id. */
class CliBatchTest {
    private static TestGateway gw;
    private static String key;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        key = gw.createUserKey("batcher", "user_pro");
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private CliRun cli() {
        return new CliRun(Map.of("TOKENGATE_URL", gw.baseUrl(), "TOKENGATE_API_KEY", key), dir);
    }

    private static String line(String customId, String model, String prompt) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"" + prompt + "\"}],"
                + "\"max_tokens\":50}}";
    }

    @Test
    void submitAndWaitWritesOneResultPerLineKeyedByCustomId() throws Exception {
        Files.writeString(dir.resolve("questions.jsonl"), String.join("\n",
                line("q-1", "gpt-4o", "Name a planet"), line("q-2", "gpt-4o", "Name a star"), "", line("q-3", "gpt-5-mini", "Name a moon")) + "\n");

        CliRun.Result r = cli().run("batch", "submit", "questions.jsonl", "--wait", "--interval", "20");

        assertThat(r.code()).as(r.toString()).isZero();
        Path results = dir.resolve("questions.results.jsonl");
        assertThat(r.out()).contains("completed: 3 of 3 requests completed").contains(results.toString());
        assertThat(r.err()).contains("3/3");
        List<JsonNode> rows = Files.readAllLines(results).stream().map(Json::parseOrNull).toList();
        assertThat(rows).extracting(n -> n.path("custom_id").asText()).containsExactly("q-1", "q-2", "q-3");
        assertThat(rows).allSatisfy(n -> {
            assertThat(n.path("status").asText()).isEqualTo("completed");
            assertThat(n.path("content").asText()).isNotBlank();
            assertThat(n.path("error").isNull()).isTrue();
            assertThat(n.path("batch_item_id").asText()).isNotBlank();
        });
        assertThat(rows.get(2).path("model").asText()).isEqualTo("gpt-5-mini");
    }

    @Test
    void theAnswersAreThoseOfTheSameChatRequests() throws Exception {
        Files.writeString(dir.resolve("one.jsonl"), line("only", "gpt-4o", "Name a comet") + "\n");

        CliRun.Result r = cli().run("batch", "submit", "one.jsonl", "--wait", "--interval", "20", "--output", "out.jsonl");

        assertThat(r.code()).as(r.toString()).isZero();
        String direct = gw.post("/v1/chat/completions", key, Json.text(Json.parseOrNull(line("x", "gpt-4o", "Name a comet")).path("body"))).json()
                .path("choices").path(0).path("message").path("content").asText();
        assertThat(Json.parseOrNull(Files.readString(dir.resolve("out.jsonl"))).path("content").asText()).isEqualTo(direct);
    }

    @Test
    void submitWithoutWaitPrintsTheBatchId() throws Exception {
        Files.writeString(dir.resolve("b.jsonl"), line("a", "gpt-4o", "Hi") + "\n");

        CliRun.Result r = cli().run("batch", "submit", "b.jsonl");

        assertThat(r.code()).as(r.toString()).isZero();
        String id = r.out().split(" ")[2];
        assertThat(gw.get("/v1/messages/batches/" + id, key).status()).isEqualTo(200);
        assertThat(Files.exists(dir.resolve("b.results.jsonl"))).isFalse();
    }

    @Test
    void aMalformedLineIsAUsageErrorNamingItsNumber() throws Exception {
        String freshKey = gw.createUserKey("careful", "user_pro");
        Files.writeString(dir.resolve("bad.jsonl"), line("a", "gpt-4o", "Hi") + "\n{\"custom_id\":\"b\"}\n");

        CliRun.Result r = new CliRun(Map.of("TOKENGATE_URL", gw.baseUrl(), "TOKENGATE_API_KEY", freshKey), dir)
                .run("batch", "submit", "bad.jsonl", "--wait");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("line 2").contains("body");
        assertThat(gw.get("/v1/messages/batches", freshKey).json()).as("nothing was submitted").isEmpty();
    }

    @Test
    void aRepeatedCustomIdIsAUsageError() throws Exception {
        Files.writeString(dir.resolve("dup.jsonl"), line("same", "gpt-4o", "Hi") + "\n" + line("same", "gpt-4o", "Ho") + "\n");

        CliRun.Result r = cli().run("batch", "submit", "dup.jsonl");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("line 2").contains("custom_id 'same'");
    }

    @Test
    void aMissingFileIsAUsageError() {
        CliRun.Result r = cli().run("batch", "submit", "nope.jsonl");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no such file").contains("nope.jsonl");
    }

    @Test
    void aRequestTheGatewayRejectsExits1WithItsMessage() throws Exception {
        Files.writeString(dir.resolve("model.jsonl"), line("a", "no-such-model", "Hi") + "\n");

        CliRun.Result r = cli().run("batch", "submit", "model.jsonl", "--wait");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no-such-model");
    }
}
