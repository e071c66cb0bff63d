package dev.tokengate.provider;

import static dev.tokengate.support.Clients.chatBody;
import static dev.tokengate.support.Clients.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.tokengate.core.Json;
import dev.tokengate.support.Clients;
import dev.tokengate.support.FakeUpstream;
import dev.tokengate.support.FakeUpstream.Reply;
import dev.tokengate.support.Fixtures;
import dev.tokengate.support.GatewayWithFakeUpstream;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The openai provider relays what a real OpenAI-compatible upstream answers, plain and streamed. */
class OpenAiProviderRelayTest {
    private static final String MODEL = "up-model";
    @RegisterExtension
    static final GatewayWithFakeUpstream fixture =
            GatewayWithFakeUpstream.serving(upstream -> new UpstreamModels().model(MODEL, upstream.baseUrl()));

    private static ChatCompletionCreateParams.Builder params() {
        return ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Say hello");
    }

    @Test
    void plainCompletionIsRelayedUnderThePublicModelName() {
        ChatCompletion c = fixture.sdk().chat().completions().create(params().build());

        assertThat(c.model()).isEqualTo(MODEL);
        assertThat(c.id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).contains("Hello! How can I assist you today?");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(19);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(10);
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(29);
    }

    @Test
    void plainAnswerReachesTheClientAsTheUpstreamsOwnBytesWithOnlyTheModelRenamed() {
        String body = Fixtures.text("openai/completion-text.json")
                .replace("\"logprobs\":null", "\"logprobs\":{\"content\":[{\"token\":\"Hello\",\"logprob\":-0.01}]}");
        fixture.upstream().always(Reply.json(200, body));

        TestGateway.Resp resp = Clients.postChat(fixture.gateway(), fixture.key(), chatBody(MODEL, false, null));

        assertThat(resp.status()).isEqualTo(200);
        assertThat(resp.body()).isEqualTo(body.replace("\"model\":\"gpt-5.4\"", "\"model\":\"" + MODEL + "\""));
    }

    @Test
    void plainAnswerOfAnUnusualShapeIsStillCompletedWithTheKeysClientsNeed() {
        // a sparse server: no object, no index, a null finish_reason, no total
        fixture.upstream().always(Reply.json(200, "{\"id\":\"x1\",\"created\":5,\"model\":\"llama\",\"choices\":[{\"message\":"
                + "{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":3,"
                + "\"completion_tokens\":1}}"));

        ChatCompletion c = fixture.sdk().chat().completions().create(params().build()).validate();

        assertThat(c._object_().asString()).hasValue("chat.completion");
        assertThat(c.model()).isEqualTo(MODEL);
        assertThat(c.choices().get(0).index()).isZero();
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(4);
    }

    @Test
    void upstreamReceivesTheOperatorKeyTheUpstreamModelAndUninterpretedParameters() {
        fixture.sdk().chat().completions().create(params().seed(42L).maxCompletionTokens(64L)
                .logitBias(ChatCompletionCreateParams.LogitBias.builder().putAdditionalProperty("50256", JsonValue.from(-100)).build())
                .putAdditionalBodyProperty("reasoning_effort", JsonValue.from("low"))
                .build());

        FakeUpstream.Received r = fixture.upstream().onlyRequest();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/v1/chat/completions");
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + UpstreamModels.KEY);
        assertThat(r.body()).doesNotContain(fixture.key());
        JsonNode body = r.json();
        assertThat(body.path("model").asText()).isEqualTo(UpstreamModels.UPSTREAM_MODEL);
        assertThat(body.path("seed").asLong()).isEqualTo(42);
        assertThat(body.path("logit_bias").path("50256").asInt()).isEqualTo(-100);
        assertThat(body.path("reasoning_effort").asText()).isEqualTo("low");
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(64);
        assertThat(body.path("messages").get(0).path("content").asText()).isEqualTo("Say hello");
        assertThat(body.has("stream")).isFalse();
    }

    @Test
    void sequentialRequestsReusePooledUpstreamConnectionsOnePerEventLoop() {
        fixture.upstream().then(Reply.sseFixture("openai/stream-text.sse"));
        streamAll(params().build());
        for (int i = 0; i < 7; i++) {
            assertThat(Clients.postChat(fixture.gateway(), fixture.key(), chatBody(MODEL, false, null)).status()).isEqualTo(200);
        }

        // each event loop keeps its own pool (the test gateway runs two loops): at most two connections for 8 requests
        assertThat(fixture.upstream().requests()).hasSize(8);
        assertThat(fixture.upstream().requests().stream().map(FakeUpstream.Received::clientPort).distinct().count()).isBetween(1L, 2L);
    }

    @Test
    void plainToolCallIsRelayed() {
        fixture.upstream().always(Reply.json(200, Fixtures.text("openai/completion-tool-call.json")));

        ChatCompletion c = fixture.sdk().chat().completions().create(params().build());

        ChatCompletion.Choice choice = c.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).isEmpty();
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).isEqualTo("call_abc123");
        assertThat(call.function().name()).isEqualTo("get_current_weather");
        assertThat(Json.parseOrNull(call.function().arguments()).path("location").asText()).isEqualTo("Boston, MA");
        assertThat(c.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens()).contains(64L);
        assertThat(c.model()).isEqualTo(MODEL);
    }

    @Test
    void streamedCompletionIsRelayedWithTheUsageChunkTheClientAskedFor() {
        fixture.upstream().always(Reply.sseFixture("openai/stream-text.sse"));

        List<ChatCompletionChunk> chunks = streamAll(params()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());

        assertThat(chunks).allSatisfy(ch -> assertThat(ch.model()).isEqualTo(MODEL));
        assertThat(chunks).allSatisfy(ch -> assertThat(ch.id()).isEqualTo("chatcmpl-123"));
        assertThat(text(chunks)).isEqualTo("Hello there!");
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().promptTokens()).isEqualTo(9);
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(3);
        assertThat(chunks.get(chunks.size() - 2).choices().get(0).finishReason())
                .contains(ChatCompletionChunk.Choice.FinishReason.STOP);
    }

    @Test
    void streamingAlwaysAsksTheUpstreamForUsage() {
        fixture.upstream().always(Reply.sseFixture("openai/stream-text.sse"));

        streamAll(params().build());

        JsonNode body = fixture.upstream().onlyRequest().json();
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @Test
    void clientThatDidNotAskForUsageGetsNoUsageChunk() {
        fixture.upstream().always(Reply.sseFixture("openai/stream-text.sse"));

        TestGateway.Resp resp = Clients.postChat(fixture.gateway(), fixture.key(), chatBody(MODEL, true, null));

        assertThat(resp.status()).isEqualTo(200);
        List<String> data = sseData(resp.body());
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(Json::parseOrNull).toList();
        assertThat(chunks).hasSize(4).allSatisfy(ch -> {
            assertThat(ch.path("choices")).isNotEmpty();
            assertThat(ch.has("usage")).isFalse();
        });
    }

    @Test
    void usageOnAContentChunkIsNotShownToAClientThatDidNotAskForIt() {
        // llama.cpp-style servers put the usage on the chunk that carries finish_reason
        fixture.upstream().always(Reply.sse()
                .data("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":null}]}")
                .data("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}")
                .done().build());

        TestGateway.Resp resp = Clients.postChat(fixture.gateway(), fixture.key(), chatBody(MODEL, true, null));

        List<String> data = sseData(resp.body());
        assertThat(data).hasSize(3).last().isEqualTo("[DONE]");
        assertThat(data.subList(0, 2)).allSatisfy(d -> assertThat(Json.parseOrNull(d).has("usage")).isFalse());
    }

    @Test
    void streamedChunksReachTheClientAsTheUpstreamsOwnBytesWithOnlyTheModelRenamed() {
        String event = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\",\"x_vendor\":{\"k\":[1]},"
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"h\\u00e9\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}";
        fixture.upstream().always(Reply.sse().data(event)
                .data("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}")
                .done().build());

        List<String> data = sseData(Clients.postChat(fixture.gateway(), fixture.key(), chatBody(MODEL, true, null)).body());

        assertThat(data.get(0)).isEqualTo(event.replace("\"up\"", "\"" + MODEL + "\"").replace(",\"usage\":null", ""));
    }

    @Test
    void anEventWhoseJsonSpansSeveralDataLinesReachesTheClientAsOneDataLine() {
        // SSE joins an event's data lines with a line feed: those bytes relayed as they are would end the client's data
        // line in the middle of the JSON
        fixture.upstream().always(Reply.sse()
                .raw("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\n"
                        + "data: \"model\":\"up\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"two lines\"},\"finish_reason\":null}]}\n\n")
                .data("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")
                .done().build());

        String body = Clients.postChat(fixture.gateway(), fixture.key(), chatBody(MODEL, true, null)).body();
        List<String> data = sseData(body);

        assertThat(body.split("\n\n")).allSatisfy(event -> assertThat(event).doesNotContain("\n"));
        assertThat(data).last().isEqualTo("[DONE]");
        JsonNode first = Json.parseOrNull(data.get(0));
        assertThat(first).as(data.get(0)).isNotNull();
        assertThat(first.at("/choices/0/delta/content").asText()).isEqualTo("two lines");
        assertThat(first.path("model").asText()).isEqualTo(MODEL);
    }

    @Test
    void streamOfTheLeastAChunkMustCarryValidatesInTheSdk() {
        // what SlowStreamUpstream and many servers send: no logprobs, service_tier or usage keys on content chunks
        String head = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\",\"choices\":[";
        fixture.upstream().always(Reply.sse()
                .data(head + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}")
                .data(head + "{\"index\":0,\"delta\":{\"content\":\"tok \"},\"finish_reason\":null}]}")
                .data(head + "{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")
                .data(head + "],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14}}")
                .done().build());

        List<ChatCompletionChunk> chunks = streamAll(params()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build());

        assertThat(chunks).hasSize(4).allSatisfy(ch -> assertThat(ch.validate().model()).isEqualTo(MODEL));
        assertThat(text(chunks)).isEqualTo("tok ");
        assertThat(chunks.get(0).usage()).isEmpty();
        assertThat(chunks.get(3).usage().orElseThrow().totalTokens()).isEqualTo(14);
    }

    @Test
    void streamedToolCallIsRelayedFragmentByFragment() {
        fixture.upstream().always(Reply.sseFixture("openai/stream-tool-call.sse"));

        List<ChatCompletionChunk> chunks = streamAll(params().build());

        ChatCompletionChunk.Choice.Delta.ToolCall first = chunks.get(0).choices().get(0).delta().toolCalls().orElseThrow().get(0);
        assertThat(first.id()).contains("call_abc");
        assertThat(first.function().orElseThrow().name()).contains("get_weather");
        StringBuilder args = new StringBuilder();
        for (ChatCompletionChunk ch : chunks) {
            for (ChatCompletionChunk.Choice choice : ch.choices()) {
                choice.delta().toolCalls().ifPresent(calls -> calls.forEach(
                        call -> call.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments).ifPresent(args::append)));
            }
        }
        assertThat(Json.parseOrNull(args.toString()).path("location").asText()).isEqualTo("Boston");
        assertThat(chunks.get(chunks.size() - 1).choices().get(0).finishReason())
                .contains(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void chunksReachTheClientWhileTheUpstreamIsStillHoldingTheRest() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        List<String> events = Fixtures.sseEvents("openai/stream-text.sse");
        fixture.upstream().always(Reply.sse().raw(events.get(0) + "\n\n").raw(events.get(1) + "\n\n")
                .waitFor(gate)
                .raw(events.get(2) + "\n\n").raw(events.get(3) + "\n\n").done().build());

        try (StreamResponse<ChatCompletionChunk> stream = fixture.sdk().chat().completions().createStreaming(params().build())) {
            Iterator<ChatCompletionChunk> it = stream.stream().iterator();
            StringBuilder text = new StringBuilder();
            while (!text.toString().equals("Hello")) it.next().choices().get(0).delta().content().ifPresent(text::append);
            assertThat(gate).isNotDone();

            gate.complete(null);
            while (it.hasNext()) it.next().choices().forEach(c -> c.delta().content().ifPresent(text::append));
            assertThat(text.toString()).isEqualTo("Hello there!");
        }
    }

    private static List<ChatCompletionChunk> streamAll(ChatCompletionCreateParams p) {
        try (StreamResponse<ChatCompletionChunk> stream = fixture.sdk().chat().completions().createStreaming(p)) {
            return new ArrayList<>(stream.stream().toList());
        }
    }

    private static String text(List<ChatCompletionChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        for (ChatCompletionChunk ch : chunks) ch.choices().forEach(c -> c.delta().content().ifPresent(sb::append));
        return sb.toString();
    }
}
