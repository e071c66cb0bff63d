package dev.tokengate.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tokengate.core.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny OpenAI-compatible chat upstream on 127.0.0.1 that records every request. Its behaviour depends on the model:
 * {@link #ANSWERS} answers "Upstream answer." plainly or as a stream; {@link #BREAKS} streams one piece of text and then
 * drops the connection; {@link #DOWN} answers 503.
 */
final class RecordingUpstream implements AutoCloseable {
    static final String ANSWERS = "upstream-ok";
    static final String BREAKS = "upstream-breaks";
    static final String DOWN = "upstream-down";
    static final String TEXT = "Upstream answer.";

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();

    private RecordingUpstream(HttpServer server) {
        this.server = server;
    }

    static RecordingUpstream start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            RecordingUpstream upstream = new RecordingUpstream(server);
            server.createContext("/v1/chat/completions", upstream::handle);
            server.setExecutor(upstream.threads);
            server.start();
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A config file serving the three models here through the OpenAI provider. */
    Path config() {
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        StringBuilder yaml = new StringBuilder("models:\n");
        for (String name : List.of(ANSWERS, BREAKS, DOWN)) {
            yaml.append("  - name: ").append(name).append("\n    owned_by: test\n    deployments:\n")
                    .append("      - {provider: openai, base_url: \"").append(base).append("\", upstream_model: ").append(name).append("}\n");
        }
        try {
            Path file = Files.createTempFile("tokengate-responses", ".yaml");
            Files.writeString(file, yaml);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chat requests the gateway sent, oldest first. */
    List<JsonNode> received() {
        return List.copyOf(received);
    }

    JsonNode last() {
        return received.get(received.size() - 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = Json.parseOrNull(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            received.add(request);
            String model = request.path("model").asText();
            if (model.equals(DOWN)) {
                send(exchange, 503, "application/json", "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
            } else if (!request.path("stream").asBoolean()) {
                send(exchange, 200, "application/json", Json.text(completion(model)));
            } else {
                stream(exchange, model);
            }
        }
    }

    private static void stream(HttpExchange exchange, String model) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.write(frame(chunk(model, "{\"role\":\"assistant\",\"content\":\"\"}", null)));
        out.write(frame(chunk(model, "{\"content\":\"Upstream \"}", null)));
        out.flush();
        if (model.equals(BREAKS)) return;
        out.write(frame(chunk(model, "{\"content\":\"answer.\"}", null)));
        out.write(frame(chunk(model, "{}", "stop")));
        out.write(frame("{\"id\":\"chatcmpl-up\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"" + model
                + "\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}"));
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    }

    private static String chunk(String model, String delta, String finish) {
        return "{\"id\":\"chatcmpl-up\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"" + model
                + "\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}";
    }

    private static byte[] frame(String json) {
        return ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode completion(String model) {
        ObjectNode o = Json.object();
        o.put("id", "chatcmpl-up").put("object", "chat.completion").put("created", 1_700_000_000L).put("model", model);
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", TEXT);
        o.putObject("usage").put("prompt_tokens", 12).put("completion_tokens", 3).put("total_tokens", 15);
        return o;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
