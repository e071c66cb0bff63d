package dev.tokengate.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import dev.tokengate.core.Json;
import dev.tokengate.support.Sdk;
import dev.tokengate.support.TestGateway;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Server-sent event streams: as the SDK sees them, and byte for byte on the wire. */
class ChatStreamingTest {
    private static TestGateway gw;
    private static String key;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        key = gw.createUserKey("streamer", "user_pro");
        client = Sdk.client(gw, key);
    }

    @AfterAll
    static void stop() {
        client.close();
        gw.close();
    }

    private static List<ChatCompletionChunk> stream(ChatCompletionCreateParams params) {
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params)) {
            return s.stream().map(ChatCompletionChunk::validate).toList();
        }
    }

    private static ChatCompletionCreateParams.Builder ask(String text) {
        return ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage(text);
    }

    private static String text(List<ChatCompletionChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        for (ChatCompletionChunk c : chunks) {
            for (ChatCompletionChunk.Choice ch : c.choices()) ch.delta().content().ifPresent(sb::append);
        }
        return sb.toString();
    }

    @Test
    void streamWithIncludeUsageEndsWithExactlyOneUsageChunkWithoutChoices() {
        List<ChatCompletionChunk> chunks = stream(ask("Stream to me.")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());

        assertThat(chunks.size()).isGreaterThan(3);
        List<ChatCompletionChunk> withUsage = chunks.stream().filter(c -> c.usage().isPresent()).toList();
        assertThat(withUsage).hasSize(1);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(withUsage.get(0)).isSameAs(last);
        assertThat(last.choices()).isEmpty();
        CompletionUsage u = last.usage().orElseThrow();
        assertThat(u.promptTokens()).isPositive();
        assertThat(u.completionTokens()).isPositive();
        assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + u.completionTokens());
        assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
        assertThat(chunks).extracting(ChatCompletionChunk::created).containsOnly(chunks.get(0).created());
        assertThat(chunks).allSatisfy(c -> assertThat(c.model()).isEqualTo("gpt-4o"));
    }

    @Test
    void streamedTextAssemblesToTheSameAnswerAsThePlainCall() {
        String plain = client.chat().completions().create(ask("Same text either way?").build())
                .choices().get(0).message().content().orElseThrow();

        List<ChatCompletionChunk> chunks = stream(ask("Same text either way?").build());

        assertThat(text(chunks)).isEqualTo(plain).containsIgnoringCase("simulated");
        ChatCompletionChunk finish = chunks.get(chunks.size() - 1);
        assertThat(finish.choices()).singleElement()
                .satisfies(ch -> assertThat(ch.finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP));
        assertThat(chunks.get(0).choices().get(0).delta().role()).hasValue(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
    }

    @Test
    void streamWithoutIncludeUsageHasNoUsageOnAnyChunk() {
        List<ChatCompletionChunk> chunks = stream(ask("No usage please.").build());

        assertThat(chunks).isNotEmpty().allSatisfy(c -> {
            assertThat(c.usage()).isEmpty();
            assertThat(c.choices()).isNotEmpty();
        });
    }

    @Test
    void streamHonoursMaxCompletionTokens() {
        List<ChatCompletionChunk> chunks = stream(ask("A long story, streamed.").maxCompletionTokens(4)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());

        assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens()).isEqualTo(4);
        assertThat(chunks).anySatisfy(c -> assertThat(c.choices()).anySatisfy(
                ch -> assertThat(ch.finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.LENGTH)));
    }

    @Test
    void streamedUsageMatchesThePlainCall() {
        CompletionUsage plain = client.chat().completions().create(ask("Same usage either way?").build()).usage().orElseThrow();

        List<ChatCompletionChunk> chunks = stream(ask("Same usage either way?")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());

        CompletionUsage streamed = chunks.get(chunks.size() - 1).usage().orElseThrow();
        assertThat(streamed.promptTokens()).isEqualTo(plain.promptTokens());
        assertThat(streamed.completionTokens()).isEqualTo(plain.completionTokens());
    }

    @Test
    void streamWithSeveralChoicesFinishesEachIndexOnce() {
        List<ChatCompletionChunk> chunks = stream(ask("Two takes, streamed.").n(2).build());

        for (long index : new long[]{0, 1}) {
            List<ChatCompletionChunk.Choice> mine = chunks.stream().flatMap(c -> c.choices().stream())
                    .filter(ch -> ch.index() == index).toList();
            StringBuilder text = new StringBuilder();
            mine.forEach(ch -> ch.delta().content().ifPresent(text::append));
            assertThat(text.toString()).as("choice %d", index).contains("simulated");
            assertThat(mine.stream().filter(ch -> ch.finishReason().isPresent()).count()).as("choice %d", index).isEqualTo(1);
        }
    }

    @Test
    void rawStreamIsDataOnlyFramesEndingWithDone() {
        TestGateway.Resp r = gw.post("/v1/chat/completions", key, """
                {"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"raw frames"}]}""");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/event-stream");
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
        List<String> frames = Arrays.stream(r.body().split("\n\n")).toList();
        assertThat(frames).allSatisfy(f -> {
            assertThat(f).startsWith("data: ");
            assertThat(f.lines()).as("one data line per frame, no event: line").hasSize(1);
        });
        assertThat(frames.get(frames.size() - 1)).isEqualTo("data: [DONE]");
        List<JsonNode> chunks = frames.subList(0, frames.size() - 1).stream().map(f -> Json.parseOrNull(f.substring(6))).toList();
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c).as("JSON frame").isNotNull();
            assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(c.has("usage")).as("usage key on every chunk when include_usage is set").isTrue();
        });
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.path("choices").isArray() && last.path("choices").isEmpty()).isTrue();
        assertThat(last.path("usage").path("total_tokens").asInt()).isPositive();
        assertThat(chunks.subList(0, chunks.size() - 1)).allSatisfy(c -> assertThat(c.get("usage").isNull()).isTrue());
    }

    @Test
    void rawStreamWithoutIncludeUsageCarriesNoUsageKey() {
        TestGateway.Resp r = gw.post("/v1/chat/completions", key, """
                {"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"raw frames"}]}""");

        assertThat(r.body()).endsWith("data: [DONE]\n\n").doesNotContain("\"usage\"");
    }
}
