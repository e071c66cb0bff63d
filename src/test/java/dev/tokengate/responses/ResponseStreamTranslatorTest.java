package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import dev.tokengate.wire.openai.ResponseIds;
import dev.tokengate.wire.openai.ResponseStreamTranslator;
import dev.tokengate.wire.openai.ResponsesRequestDecoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Recorded Chat Completions streams, translated into Responses API stream events. */
class ResponseStreamTranslatorTest {
    private static final long CREATED = 1_694_268_190L;

    private static ResponseStreamTranslator translator(String requestJson) {
        ResponseIds ids = ResponseFixtures.countingIds();
        return new ResponseStreamTranslator(ResponsesRequestDecoder.decode(Json.parseOrNull(requestJson), ids).settings(),
                "resp_stream1", CREATED, ids);
    }

    private static List<ObjectNode> translate(ResponseStreamTranslator t, List<ChatChunk> chunks) {
        List<ObjectNode> events = new ArrayList<>();
        chunks.forEach(c -> events.addAll(t.onChunk(c)));
        events.addAll(t.complete(CREATED + 1));
        return events;
    }

    @Test
    void textStreamBecomesTheEventsOfOneMessage() {
        ResponseStreamTranslator t = translator("{\"model\":\"gpt-4o-mini\",\"input\":\"Say hello\",\"stream\":true}");

        List<ObjectNode> events = translate(t, ResponseFixtures.chatChunks("chat-stream-text.sse"));

        ResponseFixtures.assertLinesMatch("stream-text.events.jsonl", events);
        assertThat(t.finalResponse()).isEqualTo(events.get(events.size() - 1).get("response"));
    }

    @Test
    void toolCallStreamBecomesTheEventsOfOneFunctionCall() {
        ResponseStreamTranslator t = translator("""
                {"model":"gpt-4o","input":"Weather in Boston?","stream":true,
                 "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"location":{"type":"string"}}},"strict":false}]}""");

        List<ObjectNode> events = translate(t, ResponseFixtures.chatChunks("chat-stream-tool-call.sse"));

        ResponseFixtures.assertLinesMatch("stream-tool-call.events.jsonl", events);
    }

    @Test
    void textThenToolCallClosesTheMessageBeforeTheCallStarts() {
        ResponseStreamTranslator t = translator("{\"model\":\"m\",\"input\":\"x\",\"stream\":true}");
        List<ObjectNode> events = new ArrayList<>();
        events.addAll(t.onChunk(chunk(new ChatChunk.Delta(0, null, "Let me look.", null, null))));
        events.addAll(t.onChunk(chunk(new ChatChunk.Delta(0, null, null,
                List.of(new ChatChunk.ToolCallDelta(0, "call_1", "lookup", "{}")), null))));
        events.addAll(t.onChunk(chunk(new ChatChunk.Delta(0, null, null,
                List.of(new ChatChunk.ToolCallDelta(1, "call_2", "lookup", "{\"q\":1}")), "tool_calls"))));
        events.addAll(t.complete(CREATED));

        assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        assertThat(t.finalResponse().path("output")).extracting(o -> o.path("type").asText())
                .containsExactly("message", "function_call", "function_call");
        assertThat(t.finalResponse().path("output").path(2).path("call_id").asText()).isEqualTo("call_2");
        assertThat(t.finalResponse().path("output").path(2).path("output_index").isMissingNode()).isTrue();
    }

    @Test
    void emptyStreamStillEndsWithAnEmptyMessageAndCompleted() {
        ResponseStreamTranslator t = translator("{\"model\":\"m\",\"input\":\"x\",\"stream\":true}");

        List<ObjectNode> events = t.complete(CREATED);

        assertThat(events).extracting(e -> e.get("type").asText()).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.done",
                "response.content_part.done", "response.output_item.done", "response.completed");
        assertThat(t.finalResponse().path("output").path(0).path("content").path(0).path("text").asText()).isEmpty();
    }

    @Test
    void lengthFinishEndsWithResponseIncomplete() {
        ResponseStreamTranslator t = translator("{\"model\":\"m\",\"input\":\"x\",\"stream\":true,\"max_output_tokens\":16}");
        t.onChunk(chunk(new ChatChunk.Delta(0, null, "cut", null, "length")));

        List<ObjectNode> closing = t.complete(CREATED);

        ObjectNode last = closing.get(closing.size() - 1);
        assertThat(last.path("type").asText()).isEqualTo("response.incomplete");
        assertThat(last.path("response").path("status").asText()).isEqualTo("incomplete");
        assertThat(last.path("response").path("incomplete_details").path("reason").asText()).isEqualTo("max_output_tokens");
        assertThat(last.path("response").path("output").path(0).path("status").asText()).isEqualTo("incomplete");
    }

    @Test
    void failureAfterTheStartIsAnErrorEventThenResponseFailed() {
        ResponseStreamTranslator t = translator("{\"model\":\"m\",\"input\":\"x\",\"stream\":true}");
        List<ObjectNode> first = t.onChunk(chunk(new ChatChunk.Delta(0, null, "partial", null, null)));

        List<ObjectNode> failure = t.fail(new ApiException(ErrorKind.UPSTREAM_ERROR, "Upstream broke.", null, "upstream_stream_truncated"));

        assertThat(failure).hasSize(2);
        assertThat(Json.text(failure.get(0))).isEqualTo("{\"type\":\"error\",\"sequence_number\":" + first.size()
                + ",\"code\":\"upstream_stream_truncated\",\"message\":\"Upstream broke.\",\"param\":null}");
        ObjectNode failed = failure.get(1);
        assertThat(failed.path("type").asText()).isEqualTo("response.failed");
        assertThat(failed.path("sequence_number").asInt()).isEqualTo(first.size() + 1);
        assertThat(Json.text(failed.path("response").path("error"))).isEqualTo("{\"code\":\"server_error\",\"message\":\"Upstream broke.\"}");
        assertThat(failed.path("response").path("status").asText()).isEqualTo("failed");
    }

    @Test
    void modelOfTheResponseIsTheOneThatServedTheStream() {
        ResponseStreamTranslator t = translator("{\"model\":\"gpt-auto\",\"input\":\"x\",\"stream\":true}");

        List<ObjectNode> events = t.onChunk(new ChatChunk("c", CREATED, "gpt-5-mini",
                List.of(new ChatChunk.Delta(0, null, "hi", null, null)), null, null));

        assertThat(events.get(0).path("response").path("model").asText()).isEqualTo("gpt-5-mini");
    }

    private static ChatChunk chunk(ChatChunk.Delta delta) {
        return new ChatChunk("chatcmpl-1", CREATED, "m", List.of(delta), null, null);
    }
}
