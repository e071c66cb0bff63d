package dev.tokengate.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
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

    @Test
    void eventsAreTheSameHoweverTheStreamIsSplitIntoReads() {
        String stream = "data: {\"a\":\"h\u00e9\"}\r\n\r\n: keep-alive\n\ndata:x\rdata: y\r\r\nevent: e\ndata\n\n"
                + "data: \ud83d\ude00\n\ndata: " + "z".repeat(700) + "\n\ndata: [DONE]\n\n";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        List<String> expected = List.of("{\"a\":\"h\u00e9\"}", "x\ny", "", "\ud83d\ude00", "z".repeat(700), "[DONE]");
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            List<String> got = new ArrayList<>();
            SseLineParser p = new SseLineParser(b -> got.add(new String(b, StandardCharsets.UTF_8)));
            for (int at = 0; at < bytes.length; ) {
                int length = Math.min(bytes.length - at, 1 + random.nextInt(round % 3 == 0 ? 4 : 120));
                p.feed(Buffer.buffer(Arrays.copyOfRange(bytes, at, at + length)));
                at += length;
            }
            assertThat(got).as("round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void aReadHeldInPartOfALargerArrayGivesOnlyItsOwnBytes() {
        byte[] array = "data: before\n\ndata: {\"x\":1}\n\ndata: after\n\n".getBytes(StandardCharsets.UTF_8);
        int from = "data: before\n\n".length();
        int length = "data: {\"x\":1}\n\n".length();
        ByteBuf slice = Unpooled.wrappedBuffer(array, from, length);
        assertThat(slice.arrayOffset()).isEqualTo(from);

        parser.feed(BufferInternal.buffer(slice));

        assertThat(events).containsExactly("{\"x\":1}");
    }

    @Test
    void aReadOutsideTheHeapIsReadToo() {
        ByteBuf direct = Unpooled.directBuffer().writeBytes("data: one\n\ndata: tw".getBytes(StandardCharsets.UTF_8));

        parser.feed(BufferInternal.buffer(direct));
        feed("o\n\n");

        assertThat(events).containsExactly("one", "two");
        direct.release();
    }
}
