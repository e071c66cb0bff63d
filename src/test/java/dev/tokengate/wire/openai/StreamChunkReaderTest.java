package dev.tokengate.wire.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.core.ChunkText;
import dev.tokengate.support.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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

    /** What a reader made of an event, comparable across readers (a ChunkText's bytes compared by content). */
    private static String outcome(ChatChunk chunk, ChunkText text) {
        if (chunk == null) return "null";
        String t = text == null ? "no text" : "text " + new String(text.json(), StandardCharsets.ISO_8859_1) + " model "
                + text.modelStart() + ".." + text.modelEnd() + " cut " + text.usageCutStart() + ".." + text.usageCutEnd()
                + " brace " + text.closingBrace();
        return chunk + " " + t;
    }

    /** Checks that both readers read {@code event} alike; answers whether they read it (as a chunk). */
    private static boolean readsAsTheJacksonReader(byte[] event) {
        JacksonChunkReader.WithText old = JacksonChunkReader.readWithText(event);
        StreamChunkReader.WithText now = StreamChunkReader.readWithText(event);
        boolean alike = old == null ? now == null
                : now != null && old.chunk().equals(now.chunk()) && sameText(old.text(), now.text());
        if (!alike) {
            String expected = old == null ? "null" : outcome(old.chunk(), old.text());
            String actual = now == null ? "null" : outcome(now.chunk(), now.text());
            assertThat(actual).as(new String(event, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        }
        return old != null;
    }

    private static boolean sameText(ChunkText a, ChunkText b) {
        if (a == null || b == null) return a == b;
        return Arrays.equals(a.json(), b.json()) && a.modelStart() == b.modelStart() && a.modelEnd() == b.modelEnd()
                && a.usageCutStart() == b.usageCutStart() && a.usageCutEnd() == b.usageCutEnd()
                && a.closingBrace() == b.closingBrace();
    }

    private static void readsAsTheJacksonReader(String event) {
        readsAsTheJacksonReader(event.getBytes(StandardCharsets.UTF_8));
        ChatChunk old = JacksonChunkReader.read(event);
        ChatChunk now = StreamChunkReader.read(event);
        if (old == null ? now != null : !old.equals(now)) assertThat(now).as(event).isEqualTo(old);
    }

    @Test
    void readsEveryEventAsTheJacksonReaderDid() {
        List<String> events = new ArrayList<>(ChunkEventCorpus.recorded());
        events.addAll(ChunkEventCorpus.usual());
        for (String event : events) {
            readsAsTheJacksonReader(event);
            readsAsTheJacksonReader("\uFEFF" + event);
        }
        assertThat(events).hasSizeGreaterThan(130);
    }

    @Test
    void readsEventsAtTheParserLimitsAsTheJacksonReaderDid() {
        // from bytes only: the Jackson parser of a String counted a name's chars, not its bytes (and read(String) is for tests)
        for (String event : ChunkEventCorpus.atLimits()) readsAsTheJacksonReader(event.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryCutAndOneByteChangeOfReadableEventsAsTheJacksonReaderDid() {
        byte[] alphabet = "\"\\{}[],: \n\r\t0-19.eE+xtfnul/\u0001\u007f".getBytes(StandardCharsets.US_ASCII);
        byte[] nonAscii = {(byte) 0xC3, (byte) 0xA9, (byte) 0xEF, (byte) 0xBF, (byte) 0xFF, (byte) 0x80};
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(alphabet);
        all.writeBytes(nonAscii);
        all.write(0); // not in the first two bytes, where the Jackson parser took a zero for UTF-16
        byte[] changes = all.toByteArray();
        List<String> events = new ArrayList<>(ChunkEventCorpus.recorded());
        events.addAll(ChunkEventCorpus.usual());
        int variants = 0;
        int read = 0;
        for (String event : events) {
            byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
            if (JacksonChunkReader.readWithText(bytes) == null) continue; // broken already
            for (int cut = 0; cut <= bytes.length; cut++) readsAsTheJacksonReader(Arrays.copyOf(bytes, cut));
            for (int at = 0; at < bytes.length; at++) {
                for (int k = 0; k < 8; k++) { // a quarter of the changes at each place, all of them over four places
                    byte change = changes[(at * 8 + k) % changes.length];
                    if (change == 0 && at < 2) continue;
                    byte[] replaced = bytes.clone();
                    replaced[at] = change;
                    if (readsAsTheJacksonReader(replaced)) read++;
                    byte[] inserted = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, inserted, 0, at);
                    inserted[at] = change;
                    System.arraycopy(bytes, at, inserted, at + 1, bytes.length - at);
                    if (readsAsTheJacksonReader(inserted)) read++;
                    variants += 2;
                }
            }
        }
        assertThat(read).as("changed events read as chunks, of %d", variants).isGreaterThan(variants / 10);
    }

    @Test
    void leavesAnEventStartingWithAZeroByteToTheTreeDecoder() {
        // the Jackson parser took such bytes for UTF-16 and read them, but without byte offsets a relay could use
        byte[] utf16 = "{\"id\":\"c\",\"choices\":[]}".getBytes(StandardCharsets.UTF_16BE);

        assertThat(StreamChunkReader.readWithText(utf16)).isNull();
    }
    @Test
    void readsAToolCallWhoseTypeIsAnObjectAsTheTreeDecoderAndDoesNotRelayIt() {
        // the type's object used to be left unread, and the reader then took its keys for the call's own
        String event = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":{\"index\":7,\"function\":{\"name\":\"x\"}},"
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},\"finish_reason\":null}]}";

        StreamChunkReader.WithText read = StreamChunkReader.readWithText(event.getBytes(StandardCharsets.UTF_8));

        assertThat(read).isNotNull();
        assertThat(read.chunk()).isEqualTo(tree(event));
        assertThat(read.chunk().choices().get(0).toolCalls().get(0)).isEqualTo(new ChatChunk.ToolCallDelta(0, "call_1", "f", "{}"));
        assertThat(read.text()).isNull();
    }
}
