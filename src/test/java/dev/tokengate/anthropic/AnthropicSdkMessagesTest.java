package dev.tokengate.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAny;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import dev.tokengate.support.AnthropicFixtures;
import dev.tokengate.support.FakeAnthropic;
import dev.tokengate.support.FakeAnthropic.Reply;
import dev.tokengate.support.TestGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Anthropic Java SDK against POST /v1/messages, served by the simulated model, an OpenAI-compatible
 * upstream and an Anthropic upstream. Responses are validated by the SDK (responseValidation).
 */
class AnthropicSdkMessagesTest {
    private static final String SIMULATED = "claude-3.5-sonnet";
    private static FakeAnthropic anthropicUpstream;
    private static FakeAnthropic openAiUpstream;
    private static TestGateway gw;
    private static AnthropicClient client;

    @BeforeAll
    static void start() throws IOException {
        anthropicUpstream = new FakeAnthropic(Reply.json(200, AnthropicFixtures.text("message-tool-use.json")));
        openAiUpstream = new FakeAnthropic(Reply.json(200, AnthropicFixtures.text("inbound-chat-response-tools.json")));
        Path config = Files.createTempFile("tokengate-anthropic-sdk", ".yaml");
        Files.writeString(config, """
                models:
                  - name: claude-fake
                    owned_by: anthropic
                    deployments:
                      - {provider: anthropic, base_url: "%s", upstream_model: claude-sonnet-4-5, api_key_env: FAKE_KEY}
                  - name: gpt-fake
                    owned_by: openai
                    deployments:
                      - {provider: openai, base_url: "%s/v1", upstream_model: gpt-4o, api_key_env: FAKE_KEY}
                """.formatted(anthropicUpstream.baseUrl(), openAiUpstream.baseUrl()));
        gw = TestGateway.start(config, Map.of(), Map.of("FAKE_KEY", "upstream-secret-0123456789"));
        client = AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(gw.createUserKey("anthropic-sdk", "user_pro"))
                .maxRetries(0).responseValidation(true).build();
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (gw != null) gw.close();
        if (anthropicUpstream != null) anthropicUpstream.close();
        if (openAiUpstream != null) openAiUpstream.close();
    }

    private static MessageCreateParams.Builder ask(String model, String text) {
        return MessageCreateParams.builder().model(model).maxTokens(300).system("You are terse.").addUserMessage(text);
    }

    private static Message accumulate(MessageCreateParams params, List<String> eventTypes) {
        MessageAccumulator acc = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(e -> {
                acc.accumulate(e);
                eventTypes.add(type(e));
            });
        }
        return acc.message();
    }

    private static String type(RawMessageStreamEvent e) {
        if (e.isMessageStart()) return "message_start";
        if (e.isContentBlockStart()) return "content_block_start";
        if (e.isContentBlockDelta()) return "content_block_delta";
        if (e.isContentBlockStop()) return "content_block_stop";
        if (e.isMessageDelta()) return "message_delta";
        if (e.isMessageStop()) return "message_stop";
        return "unknown";
    }

    private static String text(Message m) {
        StringBuilder sb = new StringBuilder();
        for (ContentBlock b : m.content()) b.text().ifPresent(t -> sb.append(t.text()));
        return sb.toString();
    }

    private static ToolUseBlock onlyToolUse(Message m) {
        List<ToolUseBlock> uses = m.content().stream().filter(ContentBlock::isToolUse).map(ContentBlock::asToolUse).toList();
        assertThat(uses).hasSize(1);
        return uses.get(0);
    }

    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Current weather for a place")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("location", Map.of("type", "string"))))
                        .required(List.of("location")).build())
                .build();
    }

    @Test
    void aPlainMessageFromTheSimulatedModel() {
        Message m = client.messages().create(ask(SIMULATED, "Hello there").build());
        assertThat(m.id()).startsWith("msg_");
        assertThat(m.model().asString()).isEqualTo(SIMULATED);
        assertThat(m.content()).hasSize(1);
        assertThat(text(m)).contains("simulated").contains("Hello there");
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(m.usage().inputTokens()).isPositive();
        assertThat(m.usage().outputTokens()).isPositive();
    }

    @Test
    void aStreamedMessageEqualsThePlainOneAndFollowsTheEventOrder() {
        Message plain = client.messages().create(ask(SIMULATED, "Stream me a reply").build());
        List<String> types = new ArrayList<>();
        Message streamed = accumulate(ask(SIMULATED, "Stream me a reply").build(), types);

        assertThat(text(streamed)).isEqualTo(text(plain));
        assertThat(streamed.stopReason()).contains(StopReason.END_TURN);
        assertThat(streamed.usage().outputTokens()).isEqualTo(plain.usage().outputTokens());
        assertThat(streamed.usage().inputTokens()).isEqualTo(plain.usage().inputTokens());
        assertThat(types.get(0)).isEqualTo("message_start");
        assertThat(types.get(1)).isEqualTo("content_block_start");
        assertThat(types.subList(types.size() - 3, types.size())).containsExactly("content_block_stop", "message_delta", "message_stop");
        assertThat(types).doesNotContain("unknown");
    }

    @Test
    void toolsWithTheSimulatedModelCallTheToolThenReadItsResult() {
        MessageCreateParams first = ask(SIMULATED, "Weather in Paris?").addTool(weatherTool())
                .toolChoice(ToolChoiceAny.builder().build()).build();
        Message call = client.messages().create(first);
        assertThat(call.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = onlyToolUse(call);
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().convert(Map.class)).containsKey("location");

        Message answer = client.messages().create(ask(SIMULATED, "Weather in Paris?").addTool(weatherTool())
                .addMessage(call.toParam())
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content("Rainy, 12 degrees").build())))
                .build());
        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
        assertThat(text(answer)).contains("Rainy, 12 degrees");
    }

    @Test
    void aStreamedToolUseArrivesWithItsInputJson() {
        Message m = accumulate(ask(SIMULATED, "Weather in Oslo?").addTool(weatherTool())
                .toolChoice(ToolChoiceAny.builder().build()).build(), new ArrayList<>());
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = onlyToolUse(m);
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use.id()).isNotBlank();
        assertThat(use._input().convert(Map.class)).containsKey("location");
    }

    @Test
    void anOpenAiUpstreamServesTheAnthropicSdk() {
        openAiUpstream.enqueue(Reply.json(200, AnthropicFixtures.text("inbound-chat-response-tools.json")));
        Message m = client.messages().create(ask("gpt-fake", "Weather in Boston?").addTool(weatherTool()).build());
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock use = onlyToolUse(m);
        assertThat(use.id()).isEqualTo("call_abc123");
        assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("location", "Boston, MA"));
        assertThat(m.usage().cacheReadInputTokens()).contains(64L);
        assertThat(m.usage().inputTokens()).isEqualTo(18);

        FakeAnthropic.Received sent = openAiUpstream.last();
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.header("authorization")).isEqualTo("Bearer upstream-secret-0123456789");
        assertThat(sent.body().path("max_completion_tokens").asInt()).isEqualTo(300);
        assertThat(sent.body().path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(sent.body().path("tools").get(0).path("function").path("name").asText()).isEqualTo("get_weather");
    }

    @Test
    void anOpenAiUpstreamStreamServesTheAnthropicSdk() {
        openAiUpstream.enqueue(Reply.sse(AnthropicFixtures.text("inbound-chat-stream.sse")));
        Message m = accumulate(ask("gpt-fake", "Weather in Boston?").addTool(weatherTool()).build(), new ArrayList<>());
        assertThat(text(m)).isEqualTo("Hello");
        assertThat(onlyToolUse(m)._input().convert(Map.class)).isEqualTo(Map.of("location", "Boston"));
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(m.usage().outputTokens()).isEqualTo(17);
        assertThat(m.usage().inputTokens()).as("the exact count of message_delta replaces the estimate").isEqualTo(82);
    }

    @Test
    void anAnthropicUpstreamRoundTripsThroughTheGateway() {
        anthropicUpstream.enqueue(Reply.json(200, AnthropicFixtures.text("message-tool-use.json")));
        Message m = client.messages().create(ask("claude-fake", "Who are you?").addTool(weatherTool()).build());
        assertThat(m.model().asString()).isEqualTo("claude-fake");
        assertThat(text(m)).isEqualTo("Hi! My name is Claude.");
        assertThat(onlyToolUse(m)._input().convert(Map.class)).isEqualTo(Map.of("location", "SF"));
        assertThat(m.usage().inputTokens()).isEqualTo(2095);
        assertThat(m.usage().outputTokens()).isEqualTo(503);

        anthropicUpstream.enqueue(Reply.sse(AnthropicFixtures.text("stream-text-and-tool.sse")));
        Message streamed = accumulate(ask("claude-fake", "Who are you?").addTool(weatherTool()).build(), new ArrayList<>());
        assertThat(text(streamed)).isEqualTo("Hello, let me look.");
        assertThat(onlyToolUse(streamed)._input().convert(Map.class)).isEqualTo(Map.of("location", "San Francisco"));
        assertThat(streamed.usage().outputTokens()).isEqualTo(89);
        assertThat(streamed.usage().cacheReadInputTokens()).contains(10L);
    }
}
