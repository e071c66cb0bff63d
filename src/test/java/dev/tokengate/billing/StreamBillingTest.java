package dev.tokengate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import dev.tokengate.tokens.Tokenizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamBillingTest {
    private static final String STREAM_40 = "{\"model\":\"metered\",\"stream\":true,\"max_tokens\":40,"
            + "\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about prepaid balances.\"}]}";

    @Test
    void aStreamAbortedByTheClientIsChargedOnlyForWhatWasDelivered() throws Exception {
        // 20 tokens a second: the 40-token reply would take two seconds; the client leaves after five content chunks
        try (TestGateway gw = Metered.start(Map.of("simulated.tokens_per_second", "20"))) {
            String[] user = Metered.user(gw, "aborter");
            Metered.topUp(gw, user[0], 1_000_000);

            StringBuilder received = new StringBuilder();
            try (Socket socket = new Socket("127.0.0.1", gw.port())) {
                byte[] body = STREAM_40.getBytes(StandardCharsets.UTF_8);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + user[1]
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                out.write(body);
                out.flush();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                int contentChunks = 0;
                for (String line; contentChunks < 5 && (line = in.readLine()) != null; ) {
                    if (!line.startsWith("data: {")) continue;
                    JsonNode delta = Json.parseOrNull(line.substring(6)).path("choices").path(0).path("delta");
                    if (delta.path("content").asText("").isEmpty()) continue;
                    received.append(delta.path("content").asText());
                    contentChunks++;
                }
            }

            JsonNode record = awaitOneUsageRecord(gw, user[1]);
            int billed = record.path("completion_tokens").asInt();
            assertThat(billed).isBetween(Tokenizer.count(received.toString()), 39);
            assertThat(record.path("status").asInt()).isEqualTo(499);
            assertThat(record.path("stream").asBoolean()).isTrue();
            long cost = record.path("prompt_tokens").asLong() + billed;
            assertThat(record.path("charged_micros").asLong()).isEqualTo(cost);
            JsonNode balance = Metered.balance(gw, user[0]);
            assertThat(balance.path("balance_micros").asLong()).isEqualTo(1_000_000 - cost);
            assertThat(balance.path("reserved_micros").asLong()).isZero();
        }
    }

    @Test
    void aStreamThatRunsToItsEndIsChargedTheReportedUsage() {
        try (TestGateway gw = Metered.start(Map.of())) {
            String[] user = Metered.user(gw, "streamer");
            Metered.topUp(gw, user[0], 1_000_000);
            TestGateway.Resp r = gw.post("/v1/chat/completions", user[1], STREAM_40);
            assertThat(r.status()).isEqualTo(200);
            JsonNode reported = null;
            for (String line : r.body().split("\n")) {
                if (line.startsWith("data: {") && line.contains("\"usage\":{")) reported = Json.parseOrNull(line.substring(6)).path("usage");
            }
            assertThat(reported).isNotNull();
            JsonNode record = Metered.usage(gw, user[0]).get(0);
            assertThat(record.path("completion_tokens").asInt()).isEqualTo(reported.path("completion_tokens").asInt()).isEqualTo(40);
            assertThat(record.path("prompt_tokens").asInt()).isEqualTo(reported.path("prompt_tokens").asInt());
            assertThat(record.path("status").asInt()).isEqualTo(200);
            assertThat(Metered.balance(gw, user[0]).path("balance_micros").asLong())
                    .isEqualTo(1_000_000 - reported.path("total_tokens").asLong());
        }
    }

    /** The server settles an aborted stream when it notices the closed connection: wait for that, briefly. */
    private static JsonNode awaitOneUsageRecord(TestGateway gw, String key) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<JsonNode> rows = gw.get("/v1/usage", key).json().path("data").valueStream().toList();
            if (!rows.isEmpty()) return rows.get(0);
            Thread.sleep(20);
        }
        throw new AssertionError("no usage record within 10 s");
    }
}
