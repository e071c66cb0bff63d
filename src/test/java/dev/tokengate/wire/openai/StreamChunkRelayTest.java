package dev.tokengate.wire.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.support.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An upstream chunk relayed as its own bytes must read, for an OpenAI client, as our encoding of the same chunk: same
 * chunk under the public model, the usage key only for a client that asked for it; anything unusual is not relayed.
 */
class StreamChunkRelayTest {
    private static final String PUBLIC = "public-model";

    private static String relayed(String event, boolean includeUsage) {
        StreamChunkReader.WithText read = StreamChunkReader.readWithText(event);
        assertThat(read).as(event).isNotNull();
        assertThat(read.text()).as(event).isNotNull();
        String frame = new String(StreamChunkRelay.frame(read.text(), PUBLIC, includeUsage), StandardCharsets.UTF_8);
        assertThat(frame).startsWith("data: ").endsWith("\n\n");
        return frame.substring("data: ".length(), frame.length() - 2);
    }

    private static ChatChunk decoded(String json) {
        return UpstreamDecoder.chunk(Json.parseOrNull(json));
    }

    private static String encoded(String event, boolean includeUsage) {
        ChatChunk c = StreamChunkReader.read(event).withModel(PUBLIC);
        return new String(ChatEncoder.chunkBytes(c, includeUsage), StandardCharsets.UTF_8);
    }

    private static List<String> recordedEvents() {
        List<String> events = new ArrayList<>();
        for (String fixture : List.of("openai/stream-text.sse", "openai/stream-tool-call.sse")) {
            for (var node : Fixtures.sseChunks(fixture)) events.add(node.toString());
        }
        return events;
    }

    @Test
    void recordedChunksReadAsTheirEncodingUnderThePublicModel() {
        for (String event : recordedEvents()) {
            for (boolean includeUsage : new boolean[]{true, false}) {
                String relayed = relayed(event, includeUsage);
                String encoded = encoded(event, includeUsage);
                assertThat(decoded(relayed)).as(relayed).isEqualTo(decoded(encoded));
                assertThat(Json.parseOrNull(relayed).path("model").asText()).isEqualTo(PUBLIC);
                assertThat(Json.parseOrNull(relayed).has("usage")).as(relayed).isEqualTo(includeUsage);
            }
        }
    }

    @Test
    void onlyTheModelChangesInAUsualContentChunk() {
        String event = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up-1\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"h\\u00e9 😀\"},\"finish_reason\":null}]}";
        assertThat(relayed(event, false)).isEqualTo(event.replace("\"up-1\"", "\"" + PUBLIC + "\""));
    }

    @Test
    void theUsageKeyIsCutForAClientThatDidNotAskForUsageWhereverItStands() {
        String head = "\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\"";
        String choices = "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]";
        String withoutUsage = "{" + head + "," + choices + "}";
        for (String usage : List.of("\"usage\":null", "\"usage\" : null", "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}")) {
            assertThat(relayed("{" + head + "," + choices + "," + usage + "}", false)).isEqualTo(withoutUsage.replace("\"m\"", "\"" + PUBLIC + "\""));
            assertThat(relayed("{" + usage + "," + head + "," + choices + "}", false))
                    .isEqualTo(("{" + head + "," + choices + "}").replace("\"m\"", "\"" + PUBLIC + "\""));
            assertThat(relayed("{" + head + " , " + usage + " , " + choices + "}", false))
                    .isEqualTo(("{" + head + "  , " + choices + "}").replace("\"m\"", "\"" + PUBLIC + "\""));
        }
    }

    @Test
    void aNullUsageIsAddedForAClientThatAskedForUsageWhenTheUpstreamSentNone() {
        String event = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}] }";
        assertThat(relayed(event, true)).isEqualTo(event.replace("\"m\"", "\"" + PUBLIC + "\"").replace("] }", "] ,\"usage\":null}"));
        String usageChunk = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":100,\"total_tokens\":112}}";
        assertThat(relayed(usageChunk, true)).isEqualTo(usageChunk.replace("\"m\"", "\"" + PUBLIC + "\""));
    }

    @Test
    void unusualChunksAreReadButNotRelayed() {
        String head = "\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",";
        String choice = "{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}";
        List<String> unusual = List.of(
                "{\"id\":\"c1\",\"created\":1,\"model\":\"m\",\"choices\":[" + choice + "]}",
                "{" + head.replace("chat.completion.chunk", "chat.completion") + "\"choices\":[" + choice + "]}",
                "{\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[" + choice + "]}",
                "{" + head + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}",
                "{" + head + "\"choices\":[{\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]}",
                "{" + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"user\",\"content\":\"x\"},\"finish_reason\":null}]}",
                "{" + head + "\"choices\":[{\"index\":0,\"delta\":{\"role\":null},\"finish_reason\":null}]}",
                "{" + head + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[]},\"finish_reason\":null}]}",
                "{" + head + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"function\":{}}]},\"finish_reason\":null}]}",
                "{" + head + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0}]},\"finish_reason\":null}]}",
                "{" + head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":\"x\",\"finish_reason\":null}]}",
                "{" + head + "\"service_tier\":1,\"choices\":[" + choice + "]}",
                "{" + head + "\"service_tier\":\"a\",\"service_tier\":\"b\",\"choices\":[" + choice + "]}",
                "{" + head + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"logprobs\":null,\"finish_reason\":null}]}",
                "{" + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":4}}",
                "{" + head + "\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}",
                "{" + head + "\"choices\":[],\"us\\u0061ge\":null}");
        for (String event : unusual) {
            StreamChunkReader.WithText read = StreamChunkReader.readWithText(event);
            assertThat(read).as(event).isNotNull();
            assertThat(read.chunk()).as(event).isEqualTo(StreamChunkReader.read(event));
            assertThat(read.text()).as(event).isNull();
        }
    }

    @Test
    void toolCallFragmentsRelayWithTheirOwnShape() {
        String event = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}},"
                + "{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\":1}\"}}]},\"finish_reason\":null}]}";
        String relayed = relayed(event, false);
        assertThat(decoded(relayed)).isEqualTo(decoded(encoded(event, false)));
    }
    @Test
    void anEventsUtf8BytesAreRelayedAsTheyCame() {
        byte[] event = ("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\",\"choices\":"
                + "[{\"index\":0,\"delta\":{\"content\":\"h\u00e9llo \uD83C\uDF0D\"},\"finish_reason\":null}]}").getBytes(StandardCharsets.UTF_8);

        StreamChunkReader.WithText read = StreamChunkReader.readWithText(event);

        assertThat(read.chunk().choices().get(0).content()).isEqualTo("h\u00e9llo \uD83C\uDF0D");
        assertThat(new String(StreamChunkRelay.frame(read.text(), PUBLIC, false), StandardCharsets.UTF_8))
                .isEqualTo("data: " + new String(event, StandardCharsets.UTF_8).replace("\"up\"", "\"" + PUBLIC + "\"") + "\n\n");
    }

    @Test
    void malformedUtf8InAnEventReachesTheClientReplacedNotRaw() {
        byte[] head = ("{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\",\"choices\":"
                + "[{\"index\":0,\"delta\":{\"content\":\"a").getBytes(StandardCharsets.UTF_8);
        byte[] tail = "b\"},\"finish_reason\":null}]}".getBytes(StandardCharsets.UTF_8);
        byte[] event = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, event, 0, head.length);
        event[head.length] = (byte) 0xFF; // never valid in UTF-8
        System.arraycopy(tail, 0, event, head.length + 1, tail.length);

        StreamChunkReader.WithText read = StreamChunkReader.readWithText(event);
        byte[] frame = StreamChunkRelay.frame(read.text(), PUBLIC, false);

        assertThat(read.chunk().choices().get(0).content()).isEqualTo("a\uFFFDb");
        assertThat(frame).doesNotContain((byte) 0xFF);
        assertThat(new String(frame, StandardCharsets.UTF_8)).contains("\"content\":\"a\uFFFDb\"");
    }
}
