package dev.tokengate.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import dev.tokengate.core.Json;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Real clients pointed at a {@link TestGateway}, and readers for what they receive. */
public final class Clients {
    private Clients() {}

    /** The official SDK, without its automatic retries so each test sees exactly one attempt. */
    public static OpenAIClient sdk(TestGateway gw, String apiKey) {
        return OpenAIOkHttpClient.builder().baseUrl(gw.openAiBaseUrl()).apiKey(apiKey).maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
    }

    /** The data payloads of an SSE body as the gateway writes it (data-only events), in order, [DONE] included. */
    public static List<String> sseData(String body) {
        return Arrays.stream(body.split("\n\n")).filter(e -> !e.isBlank()).map(e -> {
            if (!e.startsWith("data: ")) throw new AssertionError("not a data-only SSE event: " + e);
            return e.substring("data: ".length());
        }).toList();
    }

    /** POSTs a chat request with a plain HTTP client that gives up after a while instead of hanging a broken test. */
    public static TestGateway.Resp postChat(TestGateway gw, String apiKey, String body) {
        return gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), apiKey);
    }

    /**
     * Writes a chat completion request on {@code socket} by hand (so a test can read the answer line by line, or drop
     * the connection mid-stream) and returns a reader of what comes back.
     */
    public static BufferedReader postChatOn(Socket socket, String apiKey, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + apiKey
                + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Checks the shape of a stream that broke after it began: HTTP 200, no {@code [DONE]}, and a last event holding an
     * OpenAI error object. Returns that error object.
     */
    public static JsonNode sseErrorEvent(TestGateway.Resp resp) {
        if (resp.status() != 200) throw new AssertionError("expected a stream (200), got " + resp.status() + ": " + resp.body());
        List<String> data = sseData(resp.body());
        if (data.contains("[DONE]")) throw new AssertionError("a broken stream must not end with [DONE]: " + resp.body());
        JsonNode last = Json.parseOrNull(data.get(data.size() - 1));
        JsonNode error = last == null ? null : last.get("error");
        if (error == null || !error.path("message").isTextual() || !error.path("type").isTextual() || !error.has("param")
                || !error.has("code")) {
            throw new AssertionError("the last event is not an OpenAI error object: " + resp.body());
        }
        return error;
    }

    public static String chatBody(String model, boolean stream, String extraJson) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]"
                + (extraJson == null ? "" : "," + extraJson) + "}";
    }
}
