package dev.tokengate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.stream.Stream;

/** The gateway's HTTP API for the command line: JSON in, JSON out, every error a {@link CliFailure}. */
final class GatewayClient {
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final String baseUrl;
    private final String key;

    GatewayClient(String baseUrl, String key) {
        this.baseUrl = baseUrl;
        this.key = key;
    }

    String baseUrl() {
        return baseUrl;
    }

    JsonNode get(String path) {
        return json(request(path).GET());
    }

    JsonNode post(String path, JsonNode body) {
        return json(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))));
    }

    JsonNode delete(String path) {
        return json(request(path).DELETE());
    }

    JsonNode patch(String path) {
        return json(request(path).method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    /** POSTs and returns the answer's lines as they arrive (server-sent events); an error status fails at once. */
    Stream<String> postForLines(String path, JsonNode body) {
        HttpResponse<Stream<String>> r = send(request(path).header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))), HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() >= 400) {
            String text;
            try (Stream<String> lines = r.body()) {
                text = String.join("\n", lines.toList());
            }
            throw failure(r.statusCode(), text);
        }
        return r.body();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .header("User-Agent", "tokengate-cli");
    }

    private JsonNode json(HttpRequest.Builder b) {
        HttpResponse<String> r = send(b, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) throw failure(r.statusCode(), r.body());
        JsonNode n = Json.parseOrNull(r.body());
        if (n == null) throw CliFailure.api("the gateway answered HTTP " + r.statusCode() + " with a body that is not JSON");
        return n;
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) {
        HttpRequest request = b.build();
        try {
            return HTTP.send(request, handler);
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw CliFailure.api("cannot reach the gateway at " + baseUrl + " (" + describe(e) + "). Is it running? Set --url or TOKENGATE_URL.");
        } catch (HttpTimeoutException e) {
            throw CliFailure.api("the gateway did not answer " + request.method() + " " + request.uri().getPath() + " in time.");
        } catch (IOException e) {
            throw CliFailure.api("talking to the gateway at " + baseUrl + " failed: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliFailure.api("interrupted");
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The error of any of our API families, as one line: the message, then status and code. */
    static CliFailure failure(int status, String body) {
        JsonNode n = Json.parseOrNull(body);
        String message = null;
        String code = null;
        if (n != null && n.path("error").isObject()) {
            message = n.path("error").path("message").asText(null);
            code = n.path("error").path("code").asText(null);
        } else if (n != null && n.path("message").isTextual()) {
            message = n.path("message").asText();
            code = n.path("code").asText(null);
        }
        if (message == null) message = body == null || body.isBlank() ? "no details" : body.strip();
        return CliFailure.api(status, code, message + " (HTTP " + status + (code == null ? "" : ", " + code) + ")");
    }
}
