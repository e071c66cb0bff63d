package dev.tokengate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code tokengate chat}: one prompt, plain or streamed. */
class CliChatTest {
    private static TestGateway gw;
    private static CliRun cli;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start();
        String key = gw.createUserKey("chatter", "user_pro");
        cli = new CliRun(Map.of("TOKENGATE_URL", gw.baseUrl(), "TOKENGATE_API_KEY", key), Files.createTempDirectory("cli"));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void chatPrintsTheAnswerToThePrompt() {
        CliRun.Result r = cli.run("chat", "--model", "gpt-4o", "How", "many", "planets?");

        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out().strip()).isNotEmpty().isEqualTo(answerViaApi("How many planets?"));
    }

    @Test
    void streamedChatPrintsTheSameAnswerAsPlainChat() {
        CliRun.Result plain = cli.run("chat", "-m", "gpt-4o", "Tell me about Mars");
        CliRun.Result streamed = cli.run("chat", "-m", "gpt-4o", "--stream", "Tell me about Mars");

        assertThat(streamed.code()).as(streamed.toString()).isZero();
        assertThat(streamed.out()).isEqualTo(plain.out());
        assertThat(streamed.out().strip()).isNotEmpty();
    }

    @Test
    void jsonPrintsTheWholeCompletion() {
        CliRun.Result r = cli.run("chat", "--json", "-m", "gpt-4o", "Hi");

        assertThat(r.code()).isZero();
        assertThat(Json.parseOrNull(r.out()).path("object").asText()).isEqualTo("chat.completion");
    }

    @Test
    void anUnknownModelExits1NamingIt() {
        CliRun.Result plain = cli.run("chat", "-m", "no-such-model", "Hi");
        CliRun.Result streamed = cli.run("chat", "-m", "no-such-model", "--stream", "Hi");

        assertThat(plain.code()).isEqualTo(1);
        assertThat(plain.err()).contains("no-such-model").contains("HTTP 404");
        assertThat(streamed.code()).isEqualTo(1);
        assertThat(streamed.err()).contains("no-such-model").contains("HTTP 404");
    }

    @Test
    void aPromptIsRequired() {
        CliRun.Result r = cli.run("chat");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("PROMPT");
    }

    private static String answerViaApi(String prompt) {
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        return gw.post("/v1/chat/completions", TestGateway.ADMIN_KEY, body).json()
                .path("choices").path(0).path("message").path("content").asText();
    }
}
