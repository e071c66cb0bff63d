package dev.tokengate.provider;

import static dev.tokengate.support.Clients.chatBody;
import static dev.tokengate.support.Clients.postChatOn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.FakeUpstream.Reply;
import dev.tokengate.support.Fixtures;
import dev.tokengate.support.GatewayWithFakeUpstream;
import dev.tokengate.support.UpstreamModels;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that goes away mid-stream releases the upstream request at once. The gateway runs with its default (long)
 * timeouts and the upstream holds the rest of the stream, so only the disconnect can end the upstream request.
 */
class OpenAiProviderCancellationTest {
    private static final String MODEL = "up-model";
    @RegisterExtension
    static final GatewayWithFakeUpstream fixture =
            GatewayWithFakeUpstream.serving(upstream -> new UpstreamModels().model(MODEL, upstream.baseUrl()));

    @Test
    void clientDisconnectingMidStreamResetsTheUpstreamRequest() throws IOException {
        List<String> events = Fixtures.sseEvents("openai/stream-text.sse");
        CompletableFuture<Void> neverOpened = new CompletableFuture<>();
        fixture.upstream().always(Reply.sse().raw(events.get(0) + "\n\n").raw(events.get(1) + "\n\n")
                .waitFor(neverOpened).raw(events.get(2) + "\n\n").done().build());

        try (Socket socket = new Socket("127.0.0.1", fixture.gateway().port())) {
            socket.setSoTimeout(20_000);
            BufferedReader in = postChatOn(socket, fixture.key(), chatBody(MODEL, true, null));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.contains("\"Hello\""));
            assertThat(line).as("the client received the first chunks").isNotNull();
        }

        fixture.upstream().onlyRequest().awaitAbandoned();
        assertThat(neverOpened).isNotDone();
    }
}
