package dev.tokengate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An OpenAI batch input file: one JSON object per line, {@code {"custom_id", "method", "url", "body"}}, where body is
 * a chat completion request. Each line becomes one request of a message batch, labelled with its custom_id.
 */
final class BatchFile {
    private static final String CHAT_URL = "/v1/chat/completions";

    /** One line: its custom_id, its chat request, and how many messages the request sends. */
    record Line(String customId, ObjectNode body, int requestMessages) {}

    private BatchFile() {}

    static List<Line> read(Path file) {
        List<String> text;
        try {
            text = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw CliFailure.usage("no such file: " + file);
        } catch (IOException e) {
            throw CliFailure.usage("cannot read " + file + ": " + e.getMessage());
        }
        List<Line> lines = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < text.size(); i++) {
            if (text.get(i).isBlank()) continue;
            Line line = parse(text.get(i), file + " line " + (i + 1));
            if (!ids.add(line.customId())) throw CliFailure.usage(file + " line " + (i + 1) + ": custom_id '" + line.customId() + "' is used twice.");
            lines.add(line);
        }
        if (lines.isEmpty()) throw CliFailure.usage(file + " holds no requests.");
        return lines;
    }

    private static Line parse(String text, String where) {
        JsonNode n = Json.parseOrNull(text);
        if (n == null || !n.isObject()) throw CliFailure.usage(where + ": not a JSON object.");
        JsonNode id = n.get("custom_id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) throw CliFailure.usage(where + ": 'custom_id' must be a non-empty string.");
        JsonNode url = n.get("url");
        if (url != null && !url.isNull() && !CHAT_URL.equals(url.asText())) {
            throw CliFailure.usage(where + ": only " + CHAT_URL + " requests can be sent as a message batch, not " + url.asText() + ".");
        }
        JsonNode method = n.get("method");
        if (method != null && !method.isNull() && !"POST".equalsIgnoreCase(method.asText())) {
            throw CliFailure.usage(where + ": 'method' must be POST.");
        }
        JsonNode body = n.get("body");
        if (body == null || !body.isObject()) throw CliFailure.usage(where + ": 'body' must be a chat completion request object.");
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw CliFailure.usage(where + ": 'body.messages' must be a non-empty array.");
        }
        return new Line(id.asText(), (ObjectNode) body, messages.size());
    }

    /** The body of POST /v1/messages/batches: each line's chat request, labelled with agent_id = custom_id. */
    static ObjectNode batchRequest(List<Line> lines) {
        ObjectNode o = Json.object();
        ArrayNode requests = o.putArray("requests");
        for (Line l : lines) {
            ObjectNode r = l.body().deepCopy();
            r.remove(List.of("stream", "stream_options"));
            r.put("agent_id", l.customId());
            requests.add(r);
        }
        return o;
    }
}
