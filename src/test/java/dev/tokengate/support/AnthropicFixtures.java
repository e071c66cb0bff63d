package dev.tokengate.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads the recorded Anthropic and OpenAI traffic under src/test/resources/fixtures/anthropic. */
public final class AnthropicFixtures {
    private AnthropicFixtures() {}

    /** One SSE event as written on the wire: its {@code event:} name (null when absent) and data. */
    public record SseEvent(String event, String data) {
        public JsonNode json() {
            return Json.parseOrNull(data);
        }
    }

    public static String text(String name) {
        try (InputStream in = AnthropicFixtures.class.getResourceAsStream("/fixtures/anthropic/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String name) {
        JsonNode n = Json.parseOrNull(text(name));
        if (n == null) throw new IllegalArgumentException("fixture " + name + " is not JSON");
        return n;
    }

    public static List<SseEvent> sse(String name) {
        return parseSse(text(name));
    }

    /** Splits an SSE body into events; a strict reader, so tests see exactly what was written. */
    public static List<SseEvent> parseSse(String body) {
        List<SseEvent> out = new ArrayList<>();
        for (String block : body.replace("\r\n", "\n").split("\n\n")) {
            if (block.isBlank()) continue;
            String event = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) event = line.substring(7);
                else if (line.startsWith("data: ")) data.append(data.isEmpty() ? "" : "\n").append(line.substring(6));
            }
            out.add(new SseEvent(event, data.toString()));
        }
        return out;
    }
}
