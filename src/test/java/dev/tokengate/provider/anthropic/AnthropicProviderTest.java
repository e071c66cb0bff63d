package dev.tokengate.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import dev.tokengate.core.Json;
import dev.tokengate.support.AnthropicFixtures;
import dev.tokengate.support.AnthropicFixtures.SseEvent;
import dev.tokengate.support.FakeAnthropic;
import dev.tokengate.support.FakeAnthropic.Reply;
import dev.tokengate.support.TestGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Anthropic adapter against a fake Anthropic upstream, driven by OpenAI clients on /v1/chat/completions. */
class AnthropicProviderTest {
    private static final int IDLE_TIMEOUT_MS = 1000;
    private static final String UPSTREAM_KEY = "sk-ant-test-0123456789";
    private static final Reply OVERLOADED = Reply.json(529, AnthropicFixtures.text("error-overloaded.json"));
    private static FakeAnthropic upstream;
    private static FakeAnthropic overloaded;
    private static TestGateway gw;
    private static String key;
    private static OpenAIClient openai;

    @BeforeAll
    static void start() throws IOException {
        upstream = new FakeAnthropic(Reply.json(200, AnthropicFixtures.text("message-max-tokens-cached.json")));
        overloaded = new FakeAnthropic(OVERLOADED);
        Path config = Files.createTempFile("tokengate-anthropic", ".yaml");
        Files.writeString(config, """
                models:
                  - name: claude-fake
                    owned_by: anthropic
                    deployments:
                      - {provider: anthropic, base_url: "%s", upstream_model: claude-sonnet-4-5, api_key_env: FAKE_ANTHROPIC_KEY}
                  - name: claude-overloaded
                    owned_by: anthropic
                    deployments:
                      - {provider: anthropic, base_url: "%s/v1", upstream_model: claude-sonnet-4-5, api_key_env: FAKE_ANTHROPIC_KEY}
                  - name: claude-with-fallback
                    candidates: [claude-overloaded, claude-fake]
                """.formatted(upstream.baseUrl(), overloaded.baseUrl()));
        gw = TestGateway.start(config, Map.of("upstream.idle_timeout_ms", String.valueOf(IDLE_TIMEOUT_MS)),
                Map.of("FAKE_ANTHROPIC_KEY", UPSTREAM_KEY));
        key = gw.createUserKey("anthropic-adapter", "user_pro");
        openai = OpenAIOkHttpClient.builder().baseUrl(gw.openAiBaseUrl()).apiKey(key).maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        if (openai != null) openai.close();
        if (gw != null) gw.close();
        if (upstream != null) upstream.close();
        if (overloaded != null) overloaded.close();
    }

    private static TestGateway.Resp chat(String model, String extra) {
        return gw.post("/v1/chat/completions", key, "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
                + extra + "}");
    }

    @Test
    void aPlainCompletionIsAnsweredByAnthropicMessagesWithItsHeaders() {
        upstream.enqueue(Reply.json(200, AnthropicFixtures.text("message-max-tokens-cached.json")));
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude-fake").addSystemMessage("Tell long stories.").addUserMessage("A story, please").build());
        c.validate();

        assertThat(c.model()).isEqualTo("claude-fake");
        assertThat(c.choices().get(0).message().content()).contains("Once upon a time, in a land far away");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.usage().get().promptTokens()).isEqualTo(1912);
        assertThat(c.usage().get().completionTokens()).isEqualTo(20);
        assertThat(c.usage().get().promptTokensDetails().get().cachedTokens()).contains(1800L);

        FakeAnthropic.Received r = upstream.last();
        assertThat(r.path()).isEqualTo("/v1/messages");
        assertThat(r.header("x-api-key")).isEqualTo(UPSTREAM_KEY);
        assertThat(r.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(r.header("authorization")).isNull();
        assertThat(r.body().path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(r.body().path("max_tokens").asInt()).isEqualTo(4096);
        assertThat(r.body().path("system").asText()).isEqualTo("Tell long stories.");
        assertThat(r.body().path("messages").get(0).path("role").asText()).isEqualTo("user");
    }

    @Test
    void toolUseComesBackAsOpenAiToolCalls() {
        upstream.enqueue(Reply.json(200, AnthropicFixtures.text("message-tool-use.json")));
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude-fake").addUserMessage("Weather in SF?")
                .addTool(weatherTool())
                .toolChoice(ChatCompletionToolChoiceOption.Auto.REQUIRED)
                .build());
        c.validate();

        ChatCompletion.Choice choice = c.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().get().get(0).asFunction();
        assertThat(call.id()).isEqualTo("toolu_01A");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(Json.parseOrNull(call.function().arguments())).isEqualTo(Json.object().put("location", "SF"));

        JsonNode sent = upstream.last().body();
        assertThat(sent.path("tools").get(0).path("name").asText()).isEqualTo("get_weather");
        assertThat(sent.path("tools").get(0).path("input_schema").path("type").asText()).isEqualTo("object");
        assertThat(sent.path("tool_choice").path("type").asText()).isEqualTo("any");
    }

    @Test
    void aStreamOfAnthropicEventsArrivesAsChunksWithAFinalUsageChunk() {
        upstream.enqueue(Reply.sse(AnthropicFixtures.text("stream-text-and-tool.sse")));
        ChatCompletionAccumulator acc = ChatCompletionAccumulator.create();
        long usageChunks = 0;
        try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("claude-fake").addUserMessage("Weather in SF?").addTool(weatherTool())
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            for (ChatCompletionChunk chunk : stream.stream().toList()) {
                acc.accumulate(chunk);
                if (chunk.choices().isEmpty() && chunk.usage().isPresent()) usageChunks++;
            }
        }
        ChatCompletion c = acc.chatCompletion();
        assertThat(usageChunks).isEqualTo(1);
        assertThat(c.choices().get(0).message().content()).contains("Hello, let me look.");
        ChatCompletionMessageFunctionToolCall call = c.choices().get(0).message().toolCalls().get().get(0).asFunction();
        assertThat(call.id()).isEqualTo("toolu_01");
        assertThat(Json.parseOrNull(call.function().arguments())).isEqualTo(Json.object().put("location", "San Francisco"));
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(c.usage().get().promptTokens()).isEqualTo(35);
        assertThat(c.usage().get().completionTokens()).isEqualTo(89);
        assertThat(upstream.last().body().path("stream").asBoolean()).isTrue();
    }

    @Test
    void streamFramesCarryTheToolCallIdAndNameOnlyOnce() {
        upstream.enqueue(Reply.sse(AnthropicFixtures.text("stream-text-and-tool.sse")));
        TestGateway.Resp r = chat("claude-fake", ",\"stream\":true");
        assertThat(r.status()).isEqualTo(200);
        List<SseEvent> frames = AnthropicFixtures.parseSse(r.body());
        assertThat(frames.get(frames.size() - 1).data()).isEqualTo("[DONE]");
        long withId = frames.stream().filter(f -> !f.data().equals("[DONE]"))
                .flatMap(f -> f.json().path("choices").findValues("tool_calls").stream())
                .filter(calls -> calls.get(0).has("id")).count();
        assertThat(withId).isEqualTo(1);
    }

    @Test
    void anOverloadedUpstreamFailsOverToTheNextCandidate() {
        int before = overloaded.received().size();
        upstream.enqueue(Reply.json(200, AnthropicFixtures.text("message-stop-sequence.json")));
        TestGateway.Resp r = chat("claude-with-fallback", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("choices").get(0).path("message").path("content").asText()).isEqualTo("1, 2, 3");
        assertThat(overloaded.received()).hasSize(before + 1);
        assertThat(overloaded.last().path()).isEqualTo("/v1/messages");
    }

    @Test
    void anOverloadedStreamFailsOverBeforeAnyByteReachedTheClient() {
        upstream.enqueue(Reply.sse(AnthropicFixtures.text("stream-text-and-tool.sse")));
        TestGateway.Resp r = chat("claude-with-fallback", ",\"stream\":true");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"finish_reason\":\"tool_calls\"").endsWith("data: [DONE]\n\n");
    }

    @Test
    void overloadedWithNowhereElseToGoIsARetryable503() {
        TestGateway.Resp r = chat("claude-overloaded", "");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("service_unavailable");
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("upstream_overloaded");
        assertThat(r.json().path("error").path("message").asText()).contains("Overloaded");
    }

    @Test
    void anUpstream400IsTheCallersMistakeWithTheUpstreamsMessage() {
        upstream.enqueue(Reply.json(400, AnthropicFixtures.text("error-invalid-request.json")));
        TestGateway.Resp r = chat("claude-fake", "");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(r.json().path("error").path("message").asText()).isEqualTo("messages.0.content: Input should be a valid list");
    }

    @Test
    void anUpstreamRefusingTheGatewaysKeyIsA502NotTheCallers401() {
        upstream.enqueue(Reply.json(401, AnthropicFixtures.text("error-authentication.json")));
        TestGateway.Resp r = chat("claude-fake", "");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("upstream_auth_failed");
    }

    @Test
    void anErrorEventMidStreamEndsTheStreamWithAnInStreamError() {
        upstream.enqueue(Reply.sse(AnthropicFixtures.text("stream-error.sse")));
        TestGateway.Resp r = chat("claude-fake", ",\"stream\":true");
        assertThat(r.status()).isEqualTo(200);
        List<SseEvent> frames = AnthropicFixtures.parseSse(r.body());
        JsonNode last = frames.get(frames.size() - 1).json();
        assertThat(last.path("error").path("type").asText()).isEqualTo("service_unavailable");
        assertThat(last.path("error").path("message").asText()).contains("Overloaded");
    }

    @Test
    void aStreamThatEndsWithoutMessageStopIsReportedAsTruncated() {
        String cut = AnthropicFixtures.text("stream-text-and-tool.sse");
        upstream.enqueue(Reply.sse(cut.substring(0, cut.indexOf("event: message_delta"))));
        TestGateway.Resp r = chat("claude-fake", ",\"stream\":true");
        List<SseEvent> frames = AnthropicFixtures.parseSse(r.body());
        assertThat(frames.get(frames.size() - 1).json().path("error").path("code").asText()).isEqualTo("upstream_stream_truncated");
    }

    @Test
    void anUpstream404IsTheDeploymentsMisconfigurationA502() {
        upstream.enqueue(Reply.json(404, "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model: claude-sonnet-4-5\"}}"));
        TestGateway.Resp r = chat("claude-fake", "");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("upstream_not_found");
    }

    @Test
    void aStreamRequestAnsweredWithPlainJsonIsAMalformedUpstreamAnswer() {
        upstream.enqueue(Reply.json(200, AnthropicFixtures.text("message-tool-use.json")));
        TestGateway.Resp r = chat("claude-fake", ",\"stream\":true");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("upstream_malformed_response");
    }

    @Test
    void aStreamThatGoesQuietIsCutAfterTheIdleTimeout() {
        String events = AnthropicFixtures.text("stream-text-and-tool.sse");
        upstream.enqueue(Reply.sse(events.substring(0, events.indexOf("event: content_block_stop"))).stalling());
        TestGateway.Resp r = chat("claude-fake", ",\"stream\":true");
        assertThat(r.status()).isEqualTo(200);
        List<SseEvent> frames = AnthropicFixtures.parseSse(r.body());
        assertThat(frames.get(0).json().path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(frames.get(frames.size() - 1).json().path("error").path("code").asText()).isEqualTo("upstream_timeout");
    }

    private static ChatCompletionTool weatherTool() {
        return ChatCompletionTool.ofFunction(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("Current weather")
                .parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .build())
                .build()).build());
    }
}
