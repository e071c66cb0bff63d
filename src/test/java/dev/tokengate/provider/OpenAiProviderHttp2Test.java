package dev.tokengate.provider;

import static dev.tokengate.support.Clients.chatBody;
import static dev.tokengate.support.Clients.postChatOn;
import static dev.tokengate.support.Clients.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.tokengate.core.Json;
import dev.tokengate.support.Clients;
import dev.tokengate.support.FakeUpstream;
import dev.tokengate.support.FakeUpstream.Reply;
import dev.tokengate.support.Fixtures;
import dev.tokengate.support.GatewayWithFakeUpstream;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import io.vertx.core.http.HttpVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A deployment with {@code http2: true} is called over HTTP/2 (h2c with prior knowledge to an http:// base URL): the
 * answers are the same as over HTTP/1.1, concurrent calls share connections, and a client that goes away resets only
 * its upstream stream. Over both, a stream's headers and first event reach the client as soon as the upstream sent them.
 */
class OpenAiProviderHttp2Test {
    private static final String H2_MODEL = "h2-model";
    private static final String H1_MODEL = "h1-model";
    @RegisterExtension
    static final GatewayWithFakeUpstream fixture = GatewayWithFakeUpstream.serving(upstream -> new UpstreamModels()
            .http2Model(H2_MODEL, upstream.baseUrl()).model(H1_MODEL, upstream.baseUrl()));

    @Test
    void plainCompletionGoesToTheUpstreamOverHttp2() {
        ChatCompletion c = fixture.sdk().chat().completions().create(ChatCompletionCreateParams.builder().model(H2_MODEL)
                .addUserMessage("Say hello").build());

        FakeUpstream.Received r = fixture.upstream().onlyRequest();
        assertThat(r.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(r.path()).isEqualTo("/v1/chat/completions");
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + UpstreamModels.KEY);
        assertThat(r.json().path("model").asText()).isEqualTo(UpstreamModels.UPSTREAM_MODEL);
        assertThat(c.model()).isEqualTo(H2_MODEL);
        assertThat(c.id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
        assertThat(c.choices().get(0).message().content()).contains("Hello! How can I assist you today?");
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(29);
    }

    @Test
    void streamOverHttp2IsRelayedExactlyAsOverHttp1() {
        fixture.upstream().always(Reply.sseFixture("openai/stream-text.sse"));
        String extra = "\"stream_options\":{\"include_usage\":true}";

        TestGateway.Resp h2 = Clients.postChat(fixture.gateway(), fixture.key(), chatBody(H2_MODEL, true, extra));
        TestGateway.Resp h1 = Clients.postChat(fixture.gateway(), fixture.key(), chatBody(H1_MODEL, true, extra));

        assertThat(fixture.upstream().requests()).extracting(FakeUpstream.Received::version)
                .containsExactly(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1);
        assertThat(h2.status()).isEqualTo(200);
        assertThat(h2.header("Content-Type")).startsWith("text/event-stream");
        assertThat(h2.body()).isEqualTo(h1.body().replace(H1_MODEL, H2_MODEL));
        List<String> data = sseData(h2.body());
        assertThat(data).hasSize(6).last().isEqualTo("[DONE]");
        JsonNode usage = Json.parseOrNull(data.get(4)).path("usage");
        assertThat(usage.path("total_tokens").asInt()).isEqualTo(12);
    }

    @Test
    void sdkStreamOverHttp2DeliversEveryChunk() {
        fixture.upstream().always(Reply.sseFixture("openai/stream-text.sse"));

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = fixture.sdk().chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(H2_MODEL).addUserMessage("Say hello").streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build())) {
            chunks = new ArrayList<>(stream.stream().toList());
        }

        StringBuilder text = new StringBuilder();
        chunks.forEach(ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
        assertThat(text.toString()).isEqualTo("Hello there!");
        assertThat(chunks).allSatisfy(ch -> assertThat(ch.model()).isEqualTo(H2_MODEL));
        assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens()).isEqualTo(3);
        assertThat(fixture.upstream().onlyRequest().version()).isEqualTo(HttpVersion.HTTP_2);
    }

    @ParameterizedTest
    @ValueSource(strings = {H1_MODEL, H2_MODEL})
    void theFirstEventReachesTheClientBeforeTheUpstreamSendsTheNext(String model) throws IOException {
        List<String> events = Fixtures.sseEvents("openai/stream-text.sse");
        StringBuilder rest = new StringBuilder();
        for (String e : events.subList(1, events.size())) rest.append(e).append("\n\n");
        CompletableFuture<Void> firstEventSeen = new CompletableFuture<>();
        fixture.upstream().then(Reply.sse().raw(events.get(0) + "\n\n").waitFor(firstEventSeen).raw(rest.toString()).build());

        try (Socket socket = new Socket("127.0.0.1", fixture.gateway().port())) {
            socket.setSoTimeout(20_000); // a held-back first event fails the read, not the build's timeout
            BufferedReader in = postChatOn(socket, fixture.key(), chatBody(model, true, null));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("data: "));
            assertThat(line).as("the first event, while the upstream holds the rest").contains("\"role\":\"assistant\"").doesNotContain("Hello");
            firstEventSeen.complete(null);
            StringBuilder after = new StringBuilder();
            while ((line = in.readLine()) != null && !line.equals("data: [DONE]")) after.append(line).append('\n');
            assertThat(line).isEqualTo("data: [DONE]");
            assertThat(after.toString()).contains("\"Hello\"").contains("\" there!\"");
        }
    }

    @Test
    void concurrentStreamsShareHttp2Connections() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        List<String> events = Fixtures.sseEvents("openai/stream-text.sse");
        StringBuilder rest = new StringBuilder();
        for (String e : events.subList(1, events.size())) rest.append(e).append("\n\n");
        fixture.upstream().always(Reply.sse().raw(events.get(0) + "\n\n").waitFor(gate).raw(rest.toString()).build());

        List<CompletableFuture<TestGateway.Resp>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(CompletableFuture.supplyAsync(
                    () -> Clients.postChat(fixture.gateway(), fixture.key(), chatBody(H2_MODEL, true, null))));
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (fixture.upstream().requests().size() < 8 && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(fixture.upstream().requests()).as("all eight streams open at the upstream at once").hasSize(8);
        gate.complete(null);

        for (CompletableFuture<TestGateway.Resp> call : calls) {
            assertThat(sseData(call.join().body())).hasSize(5).last().isEqualTo("[DONE]");
        }
        // eight streams open at once: over HTTP/1.1 eight connections; over HTTP/2 one per event loop (two here) at most
        assertThat(fixture.upstream().requests().stream().map(FakeUpstream.Received::clientPort).distinct().count()).isBetween(1L, 2L);
    }

    @Test
    void clientDisconnectingMidStreamResetsOnlyItsUpstreamStream() throws IOException {
        List<String> events = Fixtures.sseEvents("openai/stream-text.sse");
        CompletableFuture<Void> neverOpened = new CompletableFuture<>();
        fixture.upstream().then(Reply.sse().raw(events.get(0) + "\n\n").raw(events.get(1) + "\n\n")
                .waitFor(neverOpened).raw(events.get(2) + "\n\n").done().build());

        try (Socket socket = new Socket("127.0.0.1", fixture.gateway().port())) {
            socket.setSoTimeout(20_000);
            BufferedReader in = postChatOn(socket, fixture.key(), chatBody(H2_MODEL, true, null));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.contains("\"Hello\""));
            assertThat(line).as("the client received the first chunks").isNotNull();
        }

        FakeUpstream.Received cancelled = fixture.upstream().onlyRequest();
        cancelled.awaitAbandoned();
        assertThat(neverOpened).isNotDone();
        // the reset ended that stream, not the connection: the next calls still go over the connections already open
        for (int i = 0; i < 4; i++) {
            assertThat(Clients.postChat(fixture.gateway(), fixture.key(), chatBody(H2_MODEL, false, null)).status()).isEqualTo(200);
        }
        assertThat(fixture.upstream().requests()).allSatisfy(r -> assertThat(r.version()).isEqualTo(HttpVersion.HTTP_2));
        assertThat(fixture.upstream().requests().stream().map(FakeUpstream.Received::clientPort).distinct().count()).isBetween(1L, 2L);
    }
}
