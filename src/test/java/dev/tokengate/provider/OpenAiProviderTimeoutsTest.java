package dev.tokengate.provider;

import static dev.tokengate.support.Clients.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.support.Clients;
import dev.tokengate.support.FakeUpstream;
import dev.tokengate.support.FakeUpstream.Reply;
import dev.tokengate.support.Fixtures;
import dev.tokengate.support.GatewayWithFakeUpstream;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The first-byte timeout guards the wait for the response headers; the idle timeout guards the gaps in the body after
 * them. Here the idle timeout is the shorter one, so each test shows which of the two applies.
 */
class OpenAiProviderTimeoutsTest {
    private static final String MODEL = "up-model";
    private static final int FIRST_BYTE_TIMEOUT_MS = 1000;
    private static final int IDLE_TIMEOUT_MS = 250;
    @RegisterExtension
    static final GatewayWithFakeUpstream fixture = GatewayWithFakeUpstream.serving(
            upstream -> new UpstreamModels().model(MODEL, upstream.baseUrl()),
            Map.of("upstream.first_byte_timeout_ms", String.valueOf(FIRST_BYTE_TIMEOUT_MS),
                    "upstream.idle_timeout_ms", String.valueOf(IDLE_TIMEOUT_MS)));

    private static TestGateway.Resp chat(boolean stream) {
        return Clients.postChat(fixture.gateway(), fixture.key(), chatBody(MODEL, stream, null));
    }

    @Test
    void upstreamThatNeverSendsHeadersBecomes504AfterTheFirstByteTimeout() {
        fixture.upstream().always(Reply.silent());

        TestGateway.Resp resp = chat(false);

        assertThat(resp.status()).isEqualTo(504);
        JsonNode error = resp.json().path("error");
        assertThat(error.path("type").asText()).isEqualTo("timeout_error");
        assertThat(error.path("message").asText()).contains(FIRST_BYTE_TIMEOUT_MS + " ms");
        fixture.upstream().onlyRequest().awaitAbandoned();
    }

    @Test
    void streamRequestToAnUpstreamThatNeverSendsHeadersBecomes504() {
        fixture.upstream().always(Reply.silent());

        TestGateway.Resp resp = chat(true);

        assertThat(resp.status()).isEqualTo(504);
        assertThat(resp.json().path("error").path("message").asText()).contains(FIRST_BYTE_TIMEOUT_MS + " ms");
    }

    @Test
    void waitForTheHeadersIsNotCutByTheShorterIdleTimeout() {
        fixture.upstream().always(Reply.delayed(IDLE_TIMEOUT_MS * 2L, Reply.json(200, Fixtures.text("openai/completion-text.json"))));

        TestGateway.Resp resp = chat(false);

        assertThat(resp.status()).isEqualTo(200);
        assertThat(resp.json().path("choices").get(0).path("message").path("content").asText()).startsWith("Hello!");
    }

    @Test
    void plainBodyStallingAfterTheHeadersBecomes504AfterTheIdleTimeout() {
        fixture.upstream().always(Reply.chunked("application/json").raw("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",").hang());

        TestGateway.Resp resp = chat(false);

        assertThat(resp.status()).isEqualTo(504);
        assertThat(resp.json().path("error").path("message").asText()).contains(IDLE_TIMEOUT_MS + " ms");
        fixture.upstream().onlyRequest().awaitAbandoned();
    }

    @Test
    void streamStallingMidwayEndsWithATimeoutErrorEvent() {
        List<String> events = Fixtures.sseEvents("openai/stream-text.sse");
        fixture.upstream().always(Reply.sse().raw(events.get(0) + "\n\n").raw(events.get(1) + "\n\n").hang());

        JsonNode error = Clients.sseErrorEvent(chat(true));

        assertThat(error.path("type").asText()).isEqualTo("timeout_error");
        assertThat(error.path("message").asText()).contains(IDLE_TIMEOUT_MS + " ms");
        fixture.upstream().onlyRequest().awaitAbandoned();
    }

    @Test
    void slowStreamWhoseGapsStayUnderTheIdleTimeoutCompletes() {
        List<String> events = Fixtures.sseEvents("openai/stream-text.sse");
        FakeUpstream.StreamBuilder slow = Reply.sse();
        for (String e : events) slow.raw(e + "\n\n").pause(IDLE_TIMEOUT_MS / 3);
        fixture.upstream().always(slow.build());

        TestGateway.Resp resp = chat(true);

        List<String> data = Clients.sseData(resp.body());
        assertThat(data).last().isEqualTo("[DONE]");
        assertThat(data).noneMatch(d -> d.contains("\"error\""));
    }
}
