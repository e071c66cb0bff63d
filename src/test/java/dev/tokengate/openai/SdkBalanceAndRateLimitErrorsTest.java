package dev.tokengate.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnexpectedStatusCodeException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tokengate.support.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an application using the official SDK sees when the balance runs out or a rate limit is hit. */
class SdkBalanceAndRateLimitErrorsTest {
    private static final ChatCompletionCreateParams PARAMS = ChatCompletionCreateParams.builder()
            .model("gpt-5-mini").addUserMessage("Hello").maxCompletionTokens(16).build();

    private static OpenAIClient client(TestGateway gw, String key) {
        return OpenAIOkHttpClient.builder().baseUrl(gw.openAiBaseUrl()).apiKey(key).maxRetries(0).build();
    }

    @Test
    void anEmptyBalanceReachesTheSdkAsA402WithTypeInsufficientBalance() {
        try (TestGateway gw = TestGateway.start(Map.of("billing.new_user_credit_usd", "0"))) {
            OpenAIClient client = client(gw, gw.createUserKey("empty", "user_go"));
            UnexpectedStatusCodeException e = catchThrowableOfType(UnexpectedStatusCodeException.class,
                    () -> client.chat().completions().create(PARAMS));
            assertThat(e.statusCode()).isEqualTo(402);
            assertThat(e.body().toString()).contains("insufficient_balance");
        }
    }

    @Test
    void aRateLimitReachesTheSdkAsRateLimitExceptionWithOpenAiHeaders() {
        try (TestGateway gw = TestGateway.start(Map.of("rate_limits.tiers.user_go.requests_per_minute", "1"))) {
            OpenAIClient client = client(gw, gw.createUserKey("limited", "user_go"));
            client.chat().completions().create(PARAMS);
            RateLimitException e = catchThrowableOfType(RateLimitException.class, () -> client.chat().completions().create(PARAMS));
            assertThat(e.statusCode()).isEqualTo(429);
            assertThat(e.headers().values("retry-after")).singleElement().satisfies(v -> assertThat(Integer.parseInt(v)).isBetween(1, 60));
            assertThat(e.headers().values("x-ratelimit-limit-requests")).containsExactly("1");
            assertThat(e.headers().values("x-ratelimit-remaining-requests")).containsExactly("0");
            assertThat(e.body().toString()).contains("rate_limit_exceeded");
        }
    }
}
