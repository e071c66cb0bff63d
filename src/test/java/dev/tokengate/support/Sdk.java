package dev.tokengate.support;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;

/** The official openai-java client pointed at a test gateway. Retries are off so each call is exactly one request. */
public final class Sdk {
    private Sdk() {}

    public static OpenAIClient client(TestGateway gw, String apiKey) {
        return OpenAIOkHttpClient.builder().baseUrl(gw.openAiBaseUrl()).apiKey(apiKey).maxRetries(0).build();
    }
}
