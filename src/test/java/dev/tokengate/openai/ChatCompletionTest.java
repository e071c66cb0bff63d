package dev.tokengate.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import dev.tokengate.support.Sdk;
import dev.tokengate.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plain (non-streaming) chat completions through the official SDK, and the generation controls the simulator honours. */
class ChatCompletionTest {
    private static TestGateway gw;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        client = Sdk.client(gw, gw.createUserKey("chat", "user_pro"));
    }

    @AfterAll
    static void stop() {
        client.close();
        gw.close();
    }

    private static ChatCompletionCreateParams.Builder ask(String text) {
        return ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage(text);
    }

    @Test
    void plainCompletionHasEveryRequiredKeyAndSaysItIsSimulated() {
        ChatCompletion c = client.chat().completions().create(ask("What is the capital of France?").build()).validate();

        assertThat(c.id()).startsWith("chatcmpl-");
        assertThat(c._object_().asString()).hasValue("chat.completion");
        assertThat(c.model()).isEqualTo("gpt-4o");
        assertThat(c.created()).isPositive();
        assertThat(c.choices()).hasSize(1);
        ChatCompletion.Choice choice = c.choices().get(0);
        assertThat(choice.index()).isZero();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(choice.message().content()).hasValueSatisfying(text -> assertThat(text).containsIgnoringCase("simulated"));
        assertThat(choice.message().refusal()).isEmpty();
        assertThat(c.systemFingerprint()).hasValueSatisfying(fp -> assertThat(fp).contains("simulated"));
    }

    @Test
    void usageIsPresentAndTotalIsPromptPlusCompletion() {
        CompletionUsage u = client.chat().completions().create(ask("Count my tokens, please.").build()).validate().usage().orElseThrow();

        assertThat(u.promptTokens()).isPositive();
        assertThat(u.completionTokens()).isPositive();
        assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + u.completionTokens());
    }

    @Test
    void maxCompletionTokensCutsTheAnswerWithFinishReasonLength() {
        ChatCompletion c = client.chat().completions().create(ask("Tell me a long story.").maxCompletionTokens(5).build()).validate();

        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(5);
    }

    @Test
    void legacyMaxTokensAlsoCutsTheAnswer() {
        ChatCompletion c = client.chat().completions().create(ask("Tell me a long story.").maxTokens(7).build()).validate();

        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(7);
    }

    @Test
    void maxTokensLimitIsExactEvenWhenTheReplyQuotesNonAsciiText() {
        ChatCompletion c = client.chat().completions().create(ask("日本語のテキスト、絵文字 🎉🎉🎉 と中文字符").maxCompletionTokens(30).build()).validate();

        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(30);
    }

    @Test
    void stopSequenceEndsTheAnswerBeforeTheSequence() {
        String full = client.chat().completions().create(ask("Say something.").build()).choices().get(0).message().content().orElseThrow();
        String stop = "simulated";
        assertThat(full).contains(stop);

        ChatCompletion c = client.chat().completions().create(ask("Say something.").stop(stop).build()).validate();

        String content = c.choices().get(0).message().content().orElseThrow();
        assertThat(content).doesNotContain(stop).isEqualTo(full.substring(0, full.indexOf(stop)));
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    }

    @Test
    void nGivesThatManyIndexedChoicesAndUsageCoversThemAll() {
        ChatCompletion one = client.chat().completions().create(ask("Give me options.").build()).validate();
        ChatCompletion three = client.chat().completions().create(ask("Give me options.").n(3).build()).validate();

        assertThat(three.choices()).hasSize(3);
        assertThat(three.choices()).extracting(ChatCompletion.Choice::index).containsExactly(0L, 1L, 2L);
        assertThat(three.choices()).allSatisfy(ch -> assertThat(ch.message().content()).isPresent());
        CompletionUsage u = three.usage().orElseThrow();
        assertThat(u.promptTokens()).isEqualTo(one.usage().orElseThrow().promptTokens());
        assertThat(u.completionTokens()).isGreaterThan(one.usage().orElseThrow().completionTokens());
        assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + u.completionTokens());
    }
}
