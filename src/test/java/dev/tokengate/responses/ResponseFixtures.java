package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.wire.openai.ResponseIds;
import dev.tokengate.wire.openai.UpstreamDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** JSON fixtures under src/test/resources/fixtures/responses/, and ids that count so expected output is stable. */
final class ResponseFixtures {
    private ResponseFixtures() {}

    static String text(String name) {
        try (InputStream in = ResponseFixtures.class.getResourceAsStream("/fixtures/responses/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(String name) {
        JsonNode n = Json.parseOrNull(text(name));
        if (n == null) throw new IllegalArgumentException("fixture " + name + " is not JSON");
        return n;
    }

    /** The chunks of a recorded Chat Completions stream, as the OpenAI provider decodes them. */
    static List<ChatChunk> chatChunks(String name) {
        return Arrays.stream(text(name).split("\n\n")).map(String::strip).filter(s -> s.startsWith("data: {"))
                .map(s -> UpstreamDecoder.chunk(Json.parseOrNull(s.substring("data: ".length())))).toList();
    }

    /** One JSON object per line. */
    static List<JsonNode> jsonLines(String name) {
        return text(name).lines().filter(l -> !l.isBlank()).map(Json::parseOrNull).toList();
    }

    /** Ids {@code <prefix>1}, {@code <prefix>2}, ... counted across prefixes. */
    static ResponseIds countingIds() {
        int[] n = {0};
        return prefix -> prefix + (++n[0]);
    }

    /**
     * Compares with a fixture as JSON trees (key order does not matter). On a mismatch the actual
     * JSON is written to target/fixtures-actual/ to make reviewing the difference easy.
     */
    static void assertMatches(String expectedName, JsonNode built) {
        JsonNode actual = reparsed(built);
        JsonNode expected = exists(expectedName) ? json(expectedName) : null;
        if (!actual.equals(expected)) writeActual(expectedName, Json.text(actual));
        assertThat(actual).as("compare with target/fixtures-actual/%s", expectedName).isEqualTo(expected);
    }

    static void assertLinesMatch(String expectedName, List<? extends JsonNode> built) {
        List<JsonNode> actual = built.stream().map(ResponseFixtures::reparsed).toList();
        List<JsonNode> expected = exists(expectedName) ? jsonLines(expectedName) : List.of();
        if (!expected.equals(actual)) {
            writeActual(expectedName, String.join("\n", actual.stream().map(Json::text).toList()) + "\n");
        }
        assertThat(actual).as("compare with target/fixtures-actual/%s", expectedName).isEqualTo(expected);
    }

    /** Built trees hold longs where parsed ones hold ints; compare both as parsed. */
    private static JsonNode reparsed(JsonNode built) {
        return Json.parseOrNull(Json.text(built));
    }

    private static boolean exists(String name) {
        return ResponseFixtures.class.getResource("/fixtures/responses/" + name) != null;
    }

    private static void writeActual(String name, String content) {
        try {
            Path out = Path.of("target", "fixtures-actual", name);
            Files.createDirectories(out.getParent());
            Files.writeString(out, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
