package dev.tokengate.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.Fixtures;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseLineParserTest {
    private final List<String> events = new ArrayList<>();
    private final SseLineParser parser = new SseLineParser(b -> events.add(new String(b, StandardCharsets.UTF_8)));

    private void feed(String... pieces) {
        for (String p : pieces) parser.feed(Buffer.buffer(p));
    }

    @Test
    void lfFramedEventsAreEmittedInOrder() {
        feed("data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n");

        assertThat(events).containsExactly("{\"a\":1}", "{\"b\":2}", "[DONE]");
    }

    @Test
    void crlfAndBareCrLineEndingsAreAccepted() {
        feed("data: crlf\r\n\r\ndata: cr\r\rdata: mixed\r\n\n");

        assertThat(events).containsExactly("crlf", "cr", "mixed");
    }

    @Test
    void eventSplitAtAnyByteIsReassembled() {
        String stream = "data: {\"x\":\"one\"}\r\n\r\n: keep-alive\r\n\r\ndata: {\"x\":\"two\"}\r\n\r\n";
        for (int cut = 0; cut <= stream.length(); cut++) {
            List<String> got = new ArrayList<>();
            SseLineParser p = new SseLineParser(b -> got.add(new String(b, StandardCharsets.UTF_8)));
            p.feed(Buffer.buffer(stream.substring(0, cut)));
            p.feed(Buffer.buffer(stream.substring(cut)));
            assertThat(got).as("cut at %d", cut).containsExactly("{\"x\":\"one\"}", "{\"x\":\"two\"}");
        }
    }

    @Test
    void multiByteCharacterSplitAcrossReadsSurvives() {
        byte[] bytes = "data: {\"content\":\"héllo 🌍\"}\n\n".getBytes(StandardCharsets.UTF_8);
        int insideTheGlobe = bytes.length - 6;

        parser.feed(Buffer.buffer(Arrays.copyOfRange(bytes, 0, insideTheGlobe)));
        parser.feed(Buffer.buffer(Arrays.copyOfRange(bytes, insideTheGlobe, bytes.length)));

        assertThat(events).containsExactly("{\"content\":\"héllo 🌍\"}");
    }

    @Test
    void commentsAreIgnoredEvenInsideAnEvent() {
        feed(": OPENROUTER PROCESSING\n\n", "data: first\n: keep-alive\ndata: second\n\n");

        assertThat(events).containsExactly("first\nsecond");
    }

    @Test
    void multiLineDataIsJoinedWithNewlines() {
        feed("data: {\n", "data: \"a\": 1\n", "data: }\n\n");

        assertThat(events).containsExactly("{\n\"a\": 1\n}");
    }

    @Test
    void fieldsOtherThanDataAreIgnored() {
        feed("event: message\nid: 7\nretry: 1000\ndata: payload\n\n");

        assertThat(events).containsExactly("payload");
    }

    @Test
    void onlyOneSpaceAfterTheColonIsStripped() {
        feed("data:tight\n\ndata:  spaced\n\n");

        assertThat(events).containsExactly("tight", " spaced");
    }

    @Test
    void blankLinesWithoutDataEmitNothing() {
        feed("\n\n\r\n\n");

        assertThat(events).isEmpty();
    }

    @Test
    void lastEventWithoutItsBlankLineIsFlushedByFinish() {
        feed("data: one\n\ndata: tail");
        assertThat(events).containsExactly("one");

        parser.finish();

        assertThat(events).containsExactly("one", "tail");
    }

    @Test
    void recordedOpenAiStreamGivesOnePayloadPerEvent() {
        feed(Fixtures.text("openai/stream-tool-call.sse"));

        assertThat(events).hasSize(6).last().isEqualTo("[DONE]");
        assertThat(events.subList(0, 5)).allMatch(e -> e.startsWith("{\"id\":\"chatcmpl-tool1\""));
    }
}
