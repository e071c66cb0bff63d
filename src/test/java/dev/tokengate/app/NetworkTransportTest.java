package dev.tokengate.app;

import static dev.tokengate.support.Clients.chatBody;
import static dev.tokengate.support.Clients.postChat;
import static dev.tokengate.support.Clients.sseData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokengate.support.FakeUpstream;
import dev.tokengate.support.FakeUpstream.Reply;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import io.vertx.core.transport.Transport;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code server.transport} picks the event loops' network transport for the server and the upstream client alike; every
 * choice serves plain and streamed completions relayed from a real HTTP upstream.
 */
class NetworkTransportTest {
    private static final String MODEL = "transport-model";
    private static final String ANSWER = """
            {"id":"chatcmpl-t","object":"chat.completion","created":1,"model":"up","choices":[{"index":0,\
            "message":{"role":"assistant","content":"over the wire"},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":3,"completion_tokens":3,"total_tokens":6}}""";
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void everyTransportRelaysPlainAndStreamedCompletions(String transport) {
        assumeTrue(available(transport), transport + " is not available on this machine");
        try (FakeUpstream upstream = FakeUpstream.start();
             TestGateway gw = TestGateway.start(new UpstreamModels().model(MODEL, upstream.baseUrl()).writeTo(dir),
                     Map.of("server.transport", transport), UpstreamModels.ENV)) {
            assertThat(gw.gateway().transportName()).isEqualTo(transport);
            String key = gw.createUserKey("transport", "user_pro");

            upstream.always(Reply.json(200, ANSWER));
            TestGateway.Resp plain = postChat(gw, key, chatBody(MODEL, false, null));
            assertThat(plain.status()).as(plain.body()).isEqualTo(200);
            assertThat(plain.json().at("/choices/0/message/content").asText()).isEqualTo("over the wire");

            upstream.always(Reply.sse()
                    .data("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"str\"}}]}")
                    .data("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"eamed\"},\"finish_reason\":\"stop\"}]}")
                    .done().build());
            TestGateway.Resp streamed = postChat(gw, key, chatBody(MODEL, true, null));
            assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);
            assertThat(String.join("", sseData(streamed.body()))).contains("str").contains("eamed");
            assertThat(sseData(streamed.body())).last().isEqualTo("[DONE]");
        }
    }

    @Test
    void autoTakesIoUringWhereTheKernelAllowsItElseEpoll() {
        try (TestGateway gw = TestGateway.start(Map.of("server.transport", "auto"))) {
            assertThat(gw.gateway().transportName())
                    .isEqualTo(Transport.IO_URING.available() ? "io_uring" : Transport.EPOLL.available() ? "epoll" : "nio");
            assertThat(gw.get("/ready", null).status()).isEqualTo(200);
        }
    }

    @Test
    void anUnknownTransportStopsTheStartNamingTheField() {
        assertThatThrownBy(() -> TestGateway.start(Map.of("server.transport", "kqueue")))
                .hasMessageContaining("server.transport").hasMessageContaining("kqueue");
    }

    private static boolean available(String transport) {
        return switch (transport) {
            case "io_uring" -> Transport.IO_URING.available();
            case "epoll" -> Transport.EPOLL.available();
            default -> true;
        };
    }
}
