package dev.tokengate.wire.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.support.Fixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tree-free chunk reader must read every usual event exactly as the tree decoder does, and leave the rest to it. */
class StreamChunkReaderTest {
    private static ChatChunk tree(String event) {
        return UpstreamDecoder.chunk(Json.parseOrNull(event));
    }

    private static List<String> recordedEvents() {
        List<String> events = new ArrayList<>();
        for (String fixture : List.of("openai/stream-text.sse", "openai/stream-tool-call.sse", "responses/chat-stream-text.sse",
                "responses/chat-stream-tool-call.sse")) {
            for (var node : Fixtures.sseChunks(fixture)) events.add(node.toString());
        }
        return events;
    }

    @Test
    void readsRecordedStreamsExactlyAsTheTreeDecoder() {
        List<String> events = recordedEvents();
        assertThat(events).hasSizeGreaterThan(8);
        for (String event : events) assertThat(StreamChunkReader.read(event)).as(event).isNotNull().isEqualTo(tree(event));
    }

    @Test
    void readsUsualVariationsExactlyAsTheTreeDecoder() {
        List<String> events = List.of(
                "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"service_tier\":\"default\","
                        + "\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"h\\u00e9\\\"llo\\n\"},"
                        + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
                "{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":null,\"refusal\":null}}]}",
                " {\"id\":\"c2\",\"created\":4102444800123,\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34,"
                        + "\"total_tokens\":46,\"prompt_tokens_details\":{\"cached_tokens\":8,\"audio_tokens\":0},"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}} ",
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"prompt_tokens_details\":null}}",
                "{\"choices\":[{\"index\":1,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\"\"}},"
                        + "{\"index\":1,\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]},"
                        + "\"finish_reason\":\"tool_calls\",\"extra\":{\"nested\":[1,2,{\"x\":null}]}}],\"model\":\"m\"}",
                "{\"choices\":[{\"delta\":{\"content\":\"😀 表\"},\"finish_reason\":\"stop\"}],\"x_vendor\":[true,false]}",
                "{\"choices\":[{\"delta\":{\"role\":\"narrator\",\"tool_calls\":null}}]}",
                "{}");
        for (String event : events) assertThat(StreamChunkReader.read(event)).as(event).isNotNull().isEqualTo(tree(event));
    }

    @Test
    void leavesUnusualEventsToTheTreeDecoder() {
        List<String> unusual = List.of(
                "{\"error\":{\"message\":\"overloaded\"}}",
                "{\"id\":\"a\",\"id\":\"b\",\"choices\":[]}",
                "{\"id\":7,\"choices\":[]}",
                "{\"created\":1.5,\"choices\":[]}",
                "{\"choices\":{\"0\":{\"delta\":{\"content\":\"x\"}}}}",
                "{\"choices\":[{\"delta\":{\"content\":5}}]}",
                "{\"choices\":[{\"index\":null,\"delta\":{}}]}",
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":\"3\"}}",
                "{\"choices\":[]} {\"choices\":[]}",
                "[1,2]",
                "not json",
                "{\"choices\":[");
        for (String event : unusual) assertThat(StreamChunkReader.read(event)).as(event).isNull();
    }
}
