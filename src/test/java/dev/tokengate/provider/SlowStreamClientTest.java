package dev.tokengate.provider;

import static dev.tokengate.support.Clients.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.FloodingUpstream;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import dev.tokengate.tokens.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that reads a stream slower than the upstream sends it holds the upstream back: the gateway stops reading
 * the upstream while the client's write queue is full and goes on when it drains, so a slow or stalled client holds a
 * bounded amount of memory. The upstream here writes as fast as the gateway takes its stream (OpenAI-compatible over
 * HTTP/1.1 and HTTP/2, Anthropic); the client opens the stream on a raw socket with a small receive buffer and does not
 * read for a while.
 */
class SlowStreamClientTest {
    private static final String HTTP1 = "flood-http1";
    private static final String HTTP2 = "flood-http2";
    private static final String ANTHROPIC = "flood-anthropic";
    // 34 MB: well above what the sockets' kernel buffers between upstream and client take (up to some 8 MB seen here)
    private static final int CHUNKS = 30_000;
    private static final int CHUNK_CHARS = 1_000;
    // short, so an upstream held back for a slow client would be cut if the guard counted that as silence
    private static final int IDLE_TIMEOUT_MS = 500;
    // more than Vert.x's default HTTP/2 connection window (16 MB) holds of streams' default windows (1 MB each)
    private static final int HELD_STREAMS = 18;
    @TempDir
    static Path dir;
    static FloodingUpstream upstream;
    static TestGateway gw;
    String key;

    @BeforeAll
    static void start() throws IOException {
        upstream = FloodingUpstream.start(CHUNKS, CHUNK_CHARS);
        gw = TestGateway.start(Files.writeString(dir.resolve("flood.yaml"), models()),
                Map.of("upstream.idle_timeout_ms", String.valueOf(IDLE_TIMEOUT_MS)), UpstreamModels.ENV);
    }

    private static String models() {
        return """
                models:
                  - name: %2$s
                    owned_by: test
                    deployments:
                      - {provider: openai, base_url: "%1$s", upstream_model: real-model, api_key_env: UP_KEY, price: {input_per_m: 1.00, output_per_m: 2.00}}
                  - name: %3$s
                    owned_by: test
                    deployments:
                      - {provider: openai, http2: true, base_url: "%1$s", upstream_model: real-model, api_key_env: UP_KEY, price: {input_per_m: 1.00, output_per_m: 2.00}}
                  - name: %4$s
                    owned_by: test
                    deployments:
                      - {provider: anthropic, base_url: "%1$s", upstream_model: claude-flood, api_key_env: UP_KEY, price: {input_per_m: 1.00, output_per_m: 2.00}}
                """.formatted(upstream.baseUrl(), HTTP1, HTTP2, ANTHROPIC);
    }

    @AfterAll
    static void stop() {
        gw.close();
        upstream.close();
    }

    @BeforeEach
    void freshUserAndUpstream() {
        upstream.reset();
        key = gw.createUserKey("slow-reader", "user_pro");
    }

    @ParameterizedTest
    @ValueSource(strings = {HTTP1, HTTP2, ANTHROPIC})
    void aClientThatStopsReadingHoldsTheUpstreamBackThenGetsEveryChunkInOrderAndIsChargedAsAFastClient(String model)
            throws Exception {
        Received fast = readAll(model);
        assertEveryChunkInOrder(fast, true);
        JsonNode fastRecord = awaitUsageRecord(1);
        upstream.reset();

        Received slow;
        try (Socket socket = slowClient()) {
            send(socket, model);
            FloodingUpstream.Flow flow = awaitStall();
            assertThat(flow.waitingForDrain()).as("the upstream waits for the gateway to take more").isTrue();
            // what it wrote sits in the sockets' kernel buffers and the small queues between them
            assertThat(flow.written()).as("chunks the upstream could write while the client did not read").isLessThan(CHUNKS / 2);
            Thread.sleep(2L * IDLE_TIMEOUT_MS);
            assertThat(flow.written()).as("still held back").isLessThan(CHUNKS / 2);
            slow = readToEnd(socket.getInputStream());
            assertThat(flow.finished()).as("the stream was not cut by the idle timeout while held back").isTrue();
        }

        assertEveryChunkInOrder(slow, true);
        assertThat(slow.tail()).endsWith("data: [DONE]\n\n\r\n0\r\n\r\n");
        JsonNode slowRecord = awaitUsageRecord(2);
        assertThat(slowRecord.path("status").asInt()).isEqualTo(200);
        assertThat(slowRecord.path("completion_tokens").asInt()).isEqualTo(CHUNKS);
        for (String field : List.of("status", "prompt_tokens", "completion_tokens", "charged_micros")) {
            assertThat(slowRecord.path(field)).as(field).isEqualTo(fastRecord.path(field));
        }
    }

    /** The Anthropic and Responses APIs write their own events, each on the same bounded client queue. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/v1/messages | {\"model\":\"flood-http1\",\"max_tokens\":32000,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]} | event: message_stop",
            "/v1/responses | {\"model\":\"flood-http1\",\"stream\":true,\"input\":\"Say hello\"} | event: response.completed"})
    void aClientOfAnotherApiThatStopsReadingHoldsTheUpstreamBackThenGetsEveryChunkInOrder(String path, String body,
                                                                                     String lastEvent) throws Exception {
        try (Socket socket = slowClient()) {
            send(socket, path, body);
            FloodingUpstream.Flow flow = awaitStall();
            assertThat(flow.waitingForDrain()).as("the upstream waits for the gateway to take more").isTrue();
            assertThat(flow.written()).isLessThan(CHUNKS / 2);
            Received slow = readToEnd(socket.getInputStream(), lastEvent);
            // the Responses API repeats the whole text in its closing events, after the deltas
            assertEveryChunkInOrder(slow, false);
            assertThat(slow.sawNeedle()).as(lastEvent).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {HTTP1, HTTP2, ANTHROPIC})
    void aClientThatStopsReadingAndLeavesReleasesTheUpstreamAndIsChargedOnlyForWhatWasDelivered(String model)
            throws Exception {
        FloodingUpstream.Flow flow;
        String received;
        try (Socket socket = slowClient()) {
            send(socket, model);
            flow = awaitStall();
            byte[] some = new byte[8 * 1024];
            int n = socket.getInputStream().read(some);
            received = new String(some, 0, Math.max(0, n), StandardCharsets.UTF_8);
        }
        flow.awaitAbandoned();
        assertThat(flow.finished()).isFalse();

        JsonNode record = awaitUsageRecord(1);
        assertThat(record.path("status").asInt()).isEqualTo(499);
        int billed = record.path("completion_tokens").asInt();
        StringBuilder written = new StringBuilder();
        for (int i = 0; i < flow.written(); i++) written.append(upstream.content(i));
        StringBuilder seen = new StringBuilder();
        for (int i : FloodingUpstream.markers(received)) seen.append(upstream.content(i));
        assertThat(billed).as("at least what the client read, at most what the upstream sent")
                .isBetween(Tokenizer.count(seen.toString()) - 1, Tokenizer.count(written.toString()) + 1);
    }

    /**
     * Streams held back for their clients keep their unread data inside the upstream connection's flow-control window,
     * so that window must leave room for the other streams multiplexed on the connection. One event loop and one
     * upstream connection here, so every stream shares it.
     */
    @Test
    void streamsHeldBackForSlowClientsLeaveTheOtherStreamsOnTheirUpstreamConnectionFlowing() throws Exception {
        try (TestGateway one = TestGateway.start(Files.writeString(dir.resolve("flood-one.yaml"), models()),
                Map.of("upstream.idle_timeout_ms", String.valueOf(IDLE_TIMEOUT_MS), "server.event_loops", "1",
                        "upstream.max_connections", "100"), UpstreamModels.ENV)) {
            String oneKey = one.createUserKey("slow-readers", "user_pro");
            List<Socket> slow = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < HELD_STREAMS; i++) {
                    Socket socket = slowClient(one);
                    slow.add(socket);
                    send(socket, oneKey, "/v1/chat/completions", chatBody(HTTP2, true, null));
                }
                awaitAllStalled(HELD_STREAMS);
                assertThat(upstream.flows()).extracting(FloodingUpstream.Flow::clientPort).as("one upstream connection").containsOnly(
                        upstream.flows().get(0).clientPort());

                Received fast;
                try (Socket socket = new Socket("127.0.0.1", one.port())) {
                    socket.setSoTimeout(10_000);
                    send(socket, oneKey, "/v1/chat/completions", chatBody(HTTP2, true, null));
                    fast = readToEnd(socket.getInputStream());
                }
                assertEveryChunkInOrder(fast, true);
                assertThat(fast.tail()).endsWith("data: [DONE]\n\n\r\n0\r\n\r\n");
            } finally {
                for (Socket socket : slow) socket.close();
            }
        }
    }

    /** The stream's deltas carry chunks 0 to {@code CHUNKS - 1}, each once, in order (checked without printing 20,000 numbers). */
    private static void assertEveryChunkInOrder(Received received, boolean nothingAfter) {
        int[] markers = received.markers();
        for (int i = 0; i < CHUNKS; i++) {
            if (i >= markers.length) throw new AssertionError("the stream ended after " + i + " of " + CHUNKS + " chunks");
            if (markers[i] != i) throw new AssertionError("chunk " + markers[i] + " came where chunk " + i + " belongs");
        }
        if (nothingAfter) assertThat(markers).hasSize(CHUNKS);
    }

    private Socket slowClient() throws IOException {
        return slowClient(gw);
    }

    private static Socket slowClient(TestGateway gateway) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4 * 1024);
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
        return socket;
    }

    private void send(Socket socket, String model) throws IOException {
        send(socket, "/v1/chat/completions", chatBody(model, true, "\"stream_options\":{\"include_usage\":true}"));
    }

    private void send(Socket socket, String path, String json) throws IOException {
        send(socket, key, path, json);
    }

    private static void send(Socket socket, String key, String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
    }

    private Received readAll(String model) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gw.port())) {
            socket.setSoTimeout(10_000);
            send(socket, model);
            return readToEnd(socket.getInputStream());
        }
    }

    private static Received readToEnd(InputStream in) throws IOException {
        return readToEnd(in, null);
    }

    /**
     * What a raw response carried up to the end of its chunked body: its chunk markers in order, its last characters,
     * and whether {@code needle} occurred. Read as it arrives, never held whole: a stream here is some 30 MB, and
     * holding several (the bytes, the text, its copies) filled the test JVM's heap late in the suite.
     */
    private record Received(int[] markers, String tail, boolean sawNeedle) {}

    private static final int TAIL_CHARS = 64;
    /** A chunk marker, {@code <000123>}. */
    private static final int MARKER_CHARS = 8;

    private static String lastChars(String s, int n) {
        return s.substring(Math.max(0, s.length() - n));
    }

    private static Received readToEnd(InputStream in, String needle) throws IOException {
        int[] markers = new int[CHUNKS];
        int count = 0;
        boolean sawNeedle = false;
        byte[] buf = new byte[64 * 1024];
        // what ends each read, carried into the next, so that a marker or the needle split between two reads is found;
        // shorter than what it looks for, so nothing is found twice
        String markerCarry = "";
        String needleCarry = "";
        String tail = "";
        while (!tail.endsWith("\r\n0\r\n\r\n")) {
            int n = in.read(buf);
            if (n < 0) break;
            String read = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            String text = markerCarry + read;
            for (int marker : FloodingUpstream.markers(text)) {
                if (count == markers.length) markers = java.util.Arrays.copyOf(markers, count * 2);
                markers[count++] = marker;
            }
            markerCarry = lastChars(text, MARKER_CHARS - 1);
            if (needle != null) {
                String withCarry = needleCarry + read;
                sawNeedle |= withCarry.contains(needle);
                needleCarry = lastChars(withCarry, needle.length() - 1);
            }
            tail = lastChars(tail + read, TAIL_CHARS);
        }
        return new Received(java.util.Arrays.copyOf(markers, count), tail, sawNeedle);
    }

    /** Waits until each of the upstream's {@code n} streams waits for the gateway to take more, and stays so for a while. */
    private static void awaitAllStalled(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<Integer> last = List.of();
        while (System.nanoTime() < deadline) {
            Thread.sleep(200);
            List<FloodingUpstream.Flow> flows = upstream.flows();
            if (flows.size() != n || !flows.stream().allMatch(FloodingUpstream.Flow::waitingForDrain)) continue;
            List<Integer> written = flows.stream().map(FloodingUpstream.Flow::written).toList();
            if (written.equals(last)) return;
            last = written;
        }
        throw new AssertionError("the upstream's " + n + " streams never all stopped: " + upstream.flows().size() + " streams, "
                + upstream.flows().stream().map(FloodingUpstream.Flow::written).toList());
    }

    /** Waits until the upstream's one stream has written nothing more for a while: the gateway holds it back. */
    private static FloodingUpstream.Flow awaitStall() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        int last = -1;
        while (System.nanoTime() < deadline) {
            Thread.sleep(200);
            if (upstream.flows().size() != 1) continue;
            FloodingUpstream.Flow flow = upstream.onlyFlow();
            if (flow.written() == last) return flow;
            last = flow.written();
        }
        throw new AssertionError("the upstream never stopped writing; it wrote " + last + " of " + CHUNKS + " chunks");
    }

    /** The newest of the user's usage records once there are {@code n}: settlement follows the stream's end. */
    private JsonNode awaitUsageRecord(int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<JsonNode> rows = gw.get("/v1/usage", key).json().path("data").valueStream().toList();
            if (rows.size() >= n) return rows.get(0);
            Thread.sleep(20);
        }
        throw new AssertionError("fewer than " + n + " usage records within 10 s");
    }
}
