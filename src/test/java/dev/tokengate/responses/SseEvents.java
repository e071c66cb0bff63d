package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import java.util.ArrayList;
import java.util.List;

/** Parses a raw Responses API event stream, checking the framing of every event on the way. */
final class SseEvents {
    record Event(String name, JsonNode data) {
        String type() { return data.path("type").asText(); }
    }

    private SseEvents() {}

    /** Every frame must be exactly an {@code event:} line and a {@code data:} line. */
    static List<Event> parse(String body) {
        List<Event> out = new ArrayList<>();
        for (String frame : body.split("\n\n")) {
            if (frame.isBlank()) continue;
            List<String> lines = frame.lines().toList();
            assertThat(lines).as("frame %s", frame).hasSize(2);
            assertThat(lines.get(0)).startsWith("event: ");
            assertThat(lines.get(1)).startsWith("data: ");
            JsonNode data = Json.parseOrNull(lines.get(1).substring("data: ".length()));
            assertThat(data).as("JSON of %s", frame).isNotNull();
            out.add(new Event(lines.get(0).substring("event: ".length()), data));
        }
        return out;
    }

    static List<String> types(List<Event> events) {
        return events.stream().map(Event::type).toList();
    }
}
