package dev.tokengate.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;

/** Checks an error response against OpenAI's shape: {"error":{"message","type","param","code"}}, all four keys. */
public final class OpenAiErrors {
    private OpenAiErrors() {}

    /** Asserts the status and the shape, and returns the inner {@code error} object for further checks. */
    public static JsonNode assertError(TestGateway.Resp resp, int status) {
        assertThat(resp.status()).as("status of %s", resp.body()).isEqualTo(status);
        JsonNode error = resp.json().path("error");
        assertThat(error.isObject()).as("error object in %s", resp.body()).isTrue();
        assertThat(error.has("message") && error.has("type") && error.has("param") && error.has("code"))
                .as("all four error keys in %s", resp.body()).isTrue();
        assertThat(error.get("message").isTextual() && !error.get("message").asText().isBlank()).as("message").isTrue();
        assertThat(error.get("type").isTextual()).as("type").isTrue();
        assertThat(error.get("param").isTextual() || error.get("param").isNull()).as("param").isTrue();
        assertThat(error.get("code").isTextual() || error.get("code").isNull()).as("code").isTrue();
        return error;
    }

    public static JsonNode assertError(TestGateway.Resp resp, int status, String param) {
        JsonNode error = assertError(resp, status);
        assertThat(error.get("param").asText(null)).as("param of %s", resp.body()).isEqualTo(param);
        return error;
    }
}
