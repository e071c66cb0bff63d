package dev.tokengate.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.core.Json;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A line built pair by pair prints its values exactly as the log always printed them. */
class KeyValueLineTest {
    /** Lines are handed to listeners synchronously, so the line just written is the last one seen. */
    private static String written(List<String> lines, KeyValueLine line) {
        line.write();
        return lines.get(lines.size() - 1);
    }

    @Test
    void durationsPrintAsJavaPrintsTheDouble() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (AutoCloseable capture = LogOutput.capture(lines::add)) {
            Random random = new Random(42);
            for (int i = 0; i < 20_000; i++) {
                long hundredths = switch (i % 4) {
                    case 0 -> i;
                    case 1 -> random.nextInt(100_000);
                    case 2 -> random.nextLong(1_000_000_000L);
                    default -> random.nextLong(2_000_000_000L);
                };
                double ms = hundredths / 100.0;
                assertThat(written(lines, KeyValueLine.info("test.kv", "d").number("duration_ms", ms)))
                        .as("%d hundredths", hundredths).endsWith(",\"duration_ms\":" + ms + "}");
            }
            for (double odd : new double[]{0.001, 1.0 / 3, 12.345, 1e7, 3.5e9, -1.5}) {
                assertThat(written(lines, KeyValueLine.info("test.kv", "d").number("value", odd))).endsWith(",\"value\":" + odd + "}");
            }
        }
    }

    @Test
    void aTrustedMessageIsWrittenAsItIsAndAPlainOneIsMasked() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (AutoCloseable capture = LogOutput.capture(lines::add)) {
            String trusted = written(lines, KeyValueLine.info("test.kv", Trusted.of("POST /v1/chat/completions 200")));
            String plain = written(lines, KeyValueLine.info("test.kv", "Bearer abc.def"));

            assertThat(Json.parseOrNull(trusted).path("message").asText()).isEqualTo("POST /v1/chat/completions 200");
            assertThat(Json.parseOrNull(plain).path("message").asText()).isEqualTo("Bearer ***");
        }
    }
}
