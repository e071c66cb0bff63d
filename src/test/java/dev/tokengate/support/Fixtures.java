package dev.tokengate.support;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Recorded wire traffic under src/test/resources/fixtures/. */
public final class Fixtures {
    private Fixtures() {}

    public static String text(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + resource)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String resource) {
        JsonNode n = Json.parseOrNull(text(resource));
        if (n == null) throw new IllegalArgumentException("fixture " + resource + " is not JSON");
        return n;
    }

    /** The events of a recorded SSE stream, each without its terminating blank line. */
    public static List<String> sseEvents(String resource) {
        return Arrays.stream(text(resource).split("\n\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** The JSON payloads of a recorded SSE stream's data events, without {@code [DONE]}. */
    public static List<JsonNode> sseChunks(String resource) {
        return sseEvents(resource).stream().filter(e -> e.startsWith("data: {"))
                .map(e -> Json.parseOrNull(e.substring("data: ".length()))).toList();
    }
}
