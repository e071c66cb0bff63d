package dev.tokengate.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tokengate.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny OpenAI-compatible upstream on 127.0.0.1: {@code POST /v1/chat/completions} answers each upstream model with
 * scripted replies (a status and the assistant's text), then with that model's default text. Records every request.
 */
final class ScriptedUpstream implements AutoCloseable {
    record Reply(int status, String content) {}

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final Map<String, Queue<Reply>> scripted = new ConcurrentHashMap<>();
    private final Map<String, String> defaults = new ConcurrentHashMap<>();
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();

    private ScriptedUpstream(HttpServer server) {
        this.server = server;
    }

    static ScriptedUpstream start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            ScriptedUpstream upstream = new ScriptedUpstream(server);
            server.createContext("/v1/chat/completions", upstream::handle);
            server.setExecutor(upstream.threads);
            server.start();
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code base_url} of a deployment pointing here. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** A config file whose models of these names are each served here under the same upstream model name. */
    java.nio.file.Path configWithModels(String... names) {
        StringBuilder yaml = new StringBuilder("models:\n");
        for (String name : names) {
            yaml.append("  - name: ").append(name).append("\n    owned_by: test\n    deployments:\n")
                    .append("      - {provider: openai, base_url: \"").append(baseUrl()).append("\", upstream_model: ")
                    .append(name).append("}\n");
        }
        return JobApi.configFile(yaml.toString());
    }

    /** What {@code upstreamModel} answers once its scripted replies are used up. */
    void answerAlways(String upstreamModel, String content) {
        defaults.put(upstreamModel, content);
    }

    /** Queues one reply for {@code upstreamModel}, used before its default. */
    void answerNext(String upstreamModel, int status, String content) {
        scripted.computeIfAbsent(upstreamModel, k -> new ConcurrentLinkedQueue<>()).add(new Reply(status, content));
    }

    /** Requests received for {@code upstreamModel} whose last message is {@code text}. */
    List<JsonNode> requests(String upstreamModel, String text) {
        return received.stream().filter(r -> r.path("model").asText().equals(upstreamModel))
                .filter(r -> lastMessage(r).equals(text)).toList();
    }

    List<JsonNode> requests(String upstreamModel) {
        return received.stream().filter(r -> r.path("model").asText().equals(upstreamModel)).toList();
    }

    private static String lastMessage(JsonNode request) {
        JsonNode messages = request.path("messages");
        return messages.path(messages.size() - 1).path("content").asText();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = Json.parseOrNull(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String model = request == null ? "" : request.path("model").asText();
            if (request != null) received.add(request);
            Queue<Reply> queue = scripted.get(model);
            Reply next = queue == null ? null : queue.poll();
            if (next == null) next = new Reply(200, defaults.getOrDefault(model, "Scripted answer."));
            byte[] body = Json.bytes(next.status() == 200 ? completion(model, next.content()) : error(next.content()));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(next.status(), body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static ObjectNode completion(String model, String content) {
        ObjectNode o = Json.object();
        o.put("id", "chatcmpl-scripted").put("object", "chat.completion").put("created", 1_700_000_000L).put("model", model);
        ObjectNode choice = o.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", content);
        o.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 5).put("total_tokens", 15);
        return o;
    }

    private static ObjectNode error(String message) {
        ObjectNode o = Json.object();
        o.putObject("error").put("message", message).put("type", "server_error");
        return o;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
