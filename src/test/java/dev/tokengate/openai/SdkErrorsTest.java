package dev.tokengate.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tokengate.support.Sdk;
import dev.tokengate.support.TestGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SDK turns the gateway's error answers into its own exception classes, with type, param and code parsed. */
class SdkErrorsTest {
    private static TestGateway gw;
    private static OpenAIClient pro;
    private static OpenAIClient free;
    private static OpenAIClient wrongKey;

    @BeforeAll
    static void start() {
        gw = TestGateway.start();
        pro = Sdk.client(gw, gw.createUserKey("pro", "user_pro"));
        free = Sdk.client(gw, gw.createUserKey("free", "user_free"));
        wrongKey = Sdk.client(gw, "tg-this-key-does-not-exist");
    }

    @AfterAll
    static void stop() {
        pro.close();
        free.close();
        wrongKey.close();
        gw.close();
    }

    private static ChatCompletionCreateParams.Builder ask(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("hello");
    }

    @Test
    void outOfRangeParameterIsBadRequestException() {
        assertThatThrownBy(() -> pro.chat().completions().create(ask("gpt-4o").temperature(5.0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).hasValue("temperature");
                    assertThat(e.type()).hasValue("invalid_request_error");
                });
    }

    @Test
    void nZeroIsBadRequestException() {
        assertThatThrownBy(() -> pro.chat().completions().create(ask("gpt-4o").n(0).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).hasValue("n"));
    }

    @Test
    void unknownModelIsNotFoundException() {
        assertThatThrownBy(() -> pro.chat().completions().create(ask("gpt-9000").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).hasValue("model_not_found"));
    }

    @Test
    void unknownModelOnAStreamIsNotFoundException() {
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> s = pro.chat().completions().createStreaming(ask("gpt-9000").build())) {
                s.stream().forEach(c -> { });
            }
        }).isInstanceOf(NotFoundException.class);
    }

    @Test
    void wrongKeyIsUnauthorizedException() {
        assertThatThrownBy(() -> wrongKey.chat().completions().create(ask("gpt-4o").build()))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.code()).hasValue("invalid_api_key"));
        assertThatThrownBy(() -> wrongKey.models().list()).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void freeTierAskingForGpt5IsPermissionDeniedException() {
        assertThatThrownBy(() -> free.chat().completions().create(ask("gpt-5").build()))
                .isInstanceOf(PermissionDeniedException.class)
                .hasMessageContaining("Free tier users cannot use GPT-5 model");
    }
}
