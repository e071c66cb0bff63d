package dev.tokengate.logging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Every log line written while open, as the JSON text the process prints. */
final class CapturedLog implements AutoCloseable {
    private static final long WAIT_LIMIT_MS = 10_000;

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AutoCloseable registration = LogOutput.capture(lines::add);

    List<String> lines() {
        return List.copyOf(lines);
    }

    List<JsonNode> parsed() {
        return lines.stream().map(l -> {
            JsonNode n = Json.parseOrNull(l);
            if (n == null || !n.isObject()) throw new AssertionError("a log line is not a JSON object: " + l);
            return n;
        }).toList();
    }

    /** The first line matching, waiting for it: access lines are written just after the response is sent. */
    JsonNode await(Predicate<JsonNode> wanted, String what) {
        long deadline = System.currentTimeMillis() + WAIT_LIMIT_MS;
        while (true) {
            for (JsonNode n : parsed()) {
                if (wanted.test(n)) return n;
            }
            if (System.currentTimeMillis() > deadline) throw new AssertionError("no log line " + what + " in:\n" + String.join("\n", lines));
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    JsonNode accessLine(String requestId) {
        return await(n -> n.path("logger").asText().equals("tokengate.access") && n.path("request_id").asText().equals(requestId),
                "for request " + requestId);
    }

    @Override
    public void close() throws Exception {
        registration.close();
    }
}
