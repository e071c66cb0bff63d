package dev.tokengate.provider;

import static dev.tokengate.support.Clients.chatBody;
import static dev.tokengate.support.Clients.sseData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.http.StreamResponse;
import com.openai.errors.SseException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.tokengate.core.Json;
import dev.tokengate.support.Clients;
import dev.tokengate.support.FakeUpstream.Reply;
import dev.tokengate.support.FakeUpstream.StreamBuilder;
import dev.tokengate.support.Fixtures;
import dev.tokengate.support.GatewayWithFakeUpstream;
import dev.tokengate.support.TestGateway;
import dev.tokengate.support.UpstreamModels;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stream that breaks after the client got chunks ends with one {@code data: {"error":...}} event, no {@code [DONE]},
 * and a closed response.
 */
class OpenAiProviderStreamFaultsTest {
    private static final String MODEL = "up-model";
    @RegisterExtension
    static final GatewayWithFakeUpstream fixture =
            GatewayWithFakeUpstream.serving(upstream -> new UpstreamModels().model(MODEL, upstream.baseUrl()));

    /** The first two events of the recorded stream: the role and "Hello". */
    private static StreamBuilder helloThen() {
        List<String> events = Fixtures.sseEvents("openai/stream-text.sse");
        return Reply.sse().raw(events.get(0) + "\n\n").raw(events.get(1) + "\n\n");
    }

    /** Streams with a plain HTTP client; the client got "Hello" before the stream broke. Returns the error event. */
    private static JsonNode streamEndingInError() {
        TestGateway.Resp resp = Clients.postChat(fixture.gateway(), fixture.key(), chatBody(MODEL, true, null));
        JsonNode error = Clients.sseErrorEvent(resp);
        JsonNode second = Json.parseOrNull(sseData(resp.body()).get(1));
        assertThat(second.path("choices").get(0).path("delta").path("content").asText()).isEqualTo("Hello");
        return error;
    }

    @Test
    void malformedFrameMidStreamEndsTheStreamWithAnErrorEvent() {
        fixture.upstream().always(helloThen().raw("data: {\"id\":\"chatcmpl-123\",\"choices\":[{\"delta\":{\"content\":\" th\n\n")
                .raw(Fixtures.sseEvents("openai/stream-text.sse").get(3) + "\n\n").done().build());

        JsonNode error = streamEndingInError();

        assertThat(error.path("type").asText()).isEqualTo("upstream_error");
        assertThat(error.path("code").asText()).isEqualTo("upstream_malformed_response");
    }

    @Test
    void nonJsonFrameMidStreamEndsTheStreamWithAnErrorEvent() {
        fixture.upstream().always(helloThen().raw("data: <html>502 Bad Gateway</html>\n\n").done().build());

        assertThat(streamEndingInError().path("code").asText()).isEqualTo("upstream_malformed_response");
    }

    @Test
    void connectionResetMidStreamEndsTheStreamWithAnErrorEvent() {
        fixture.upstream().always(helloThen().reset());

        assertThat(streamEndingInError().path("message").asText()).contains("up-model");
    }

    @Test
    void upstreamErrorEventMidStreamIsRelayedAsAnErrorEvent() {
        fixture.upstream().always(helloThen()
                .data("{\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}")
                .build());

        assertThat(streamEndingInError().path("message").asText()).contains("The server had an error");
    }

    @Test
    void upstreamEndingWithoutFinishOrDoneIsReportedAsTruncated() {
        fixture.upstream().always(helloThen().build());

        assertThat(streamEndingInError().path("code").asText()).isEqualTo("upstream_stream_truncated");
    }

    @Test
    void sdkThrowsOnTheErrorEventAfterReceivingTheEarlierChunks() {
        fixture.upstream().always(helloThen().reset());
        StringBuilder text = new StringBuilder();

        try (StreamResponse<ChatCompletionChunk> stream = fixture.sdk().chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("Say hello").build())) {
            assertThatThrownBy(() -> stream.stream().forEach(ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(text::append))))
                    .isInstanceOfSatisfying(SseException.class, e -> assertThat(e.type()).contains("upstream_error"));
        }
        assertThat(text.toString()).isEqualTo("Hello");
    }
}
