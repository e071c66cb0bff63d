package dev.tokengate.wire.openai;

import dev.tokengate.provider.openai.SseLineParser;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.function.ToLongFunction;

/**
 * What reading one stream chunk costs, single-threaded: the Jackson reader (kept in the tests) against the
 * {@link JsonBytesCursor} one, in nanoseconds of the thread's CPU time (the least of ten rounds, so that other work on
 * the machine counts as little as it can) and bytes allocated per call, on the chunk bench/upstream/SlowStreamUpstream
 * sends (the 10,000 streams runs) and on an OpenAI content chunk; then the SSE parser per read of one event, and three
 * ways to scan a read of 16 KB.
 *
 * <p>Run (after {@code mvn -o -DskipTests package test-compile}):
 * {@code java -cp target/tokengate.jar:target/test-classes dev.tokengate.wire.openai.ChunkReadCost}
 */
public final class ChunkReadCost {
    private static final String SLOW_STREAM_TOKEN = "{\"id\":\"chatcmpl-slow\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1763700000,\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok \"},"
            + "\"finish_reason\":null}]}";
    private static final String OPENAI_CONTENT = "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":"
            + "\"chat.completion.chunk\",\"created\":1741570283,\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":\"default\","
            + "\"system_fingerprint\":\"fp_fc9f1d7035\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" world\"},"
            + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"aB3x\"}";
    private static final int N = 1_000_000;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static long sink;

    public static void main(String[] args) {
        for (String event : new String[]{SLOW_STREAM_TOKEN, OPENAI_CONTENT}) {
            byte[] bytes = event.getBytes(StandardCharsets.UTF_8);
            System.out.printf("%d-byte chunk %s...%n", bytes.length, event.substring(0, 40));
            for (int round = 1; round <= 3; round++) {
                String jackson = measure(b -> {
                    JacksonChunkReader.WithText r = JacksonChunkReader.readWithText(b);
                    return r.chunk().created() + r.text().modelEnd();
                }, bytes);
                String cursor = measure(b -> {
                    StreamChunkReader.WithText r = StreamChunkReader.readWithText(b);
                    return r.chunk().created() + r.text().modelEnd();
                }, bytes);
                System.out.printf("  round %d: Jackson reader %s, cursor reader %s%n", round, jackson, cursor);
            }
        }

        byte[] frame = ("data: " + SLOW_STREAM_TOKEN + "\n\n").getBytes(StandardCharsets.UTF_8);
        Buffer read = Buffer.buffer(frame);
        SseLineParser parser = new SseLineParser(b -> sink += b.length);
        System.out.printf("SSE parser, a %d-byte read of one event (the event's bytes included):%n", frame.length);
        for (int round = 1; round <= 3; round++) {
            System.out.printf("  round %d: %s%n", round, measure(r -> {
                parser.feed(r);
                return 0;
            }, read));
        }

        Buffer big = Buffer.buffer(new String(frame, StandardCharsets.UTF_8).repeat(16 * 1024 / frame.length));
        System.out.printf("finding the line ends of a %d-byte read:%n", big.length());
        for (int round = 1; round <= 3; round++) {
            String copied = measure(ChunkReadCost::lineEndsOfCopy, big);
            String byByte = measure(ChunkReadCost::lineEndsByGetByte, big);
            String inPlace = measure(ChunkReadCost::lineEndsInArray, big);
            System.out.printf("  round %d: getBytes() copy %s, getByte(i) %s, unwrap().array() %s%n", round, copied, byByte, inPlace);
        }
        if (sink == 42) System.out.println();
    }

    private static long lineEndsOfCopy(Buffer b) {
        byte[] bytes = b.getBytes();
        return lineEnds(bytes, 0, bytes.length);
    }

    private static long lineEndsByGetByte(Buffer b) {
        long ends = 0;
        for (int i = 0, n = b.length(); i < n; i++) if (b.getByte(i) == '\n') ends++;
        return ends;
    }

    private static long lineEndsInArray(Buffer b) {
        ByteBuf buf = ((BufferInternal) b).unwrap();
        return lineEnds(buf.array(), buf.arrayOffset(), buf.arrayOffset() + buf.writerIndex());
    }

    private static long lineEnds(byte[] bytes, int from, int to) {
        long ends = 0;
        for (int i = from; i < to; i++) if (bytes[i] == '\n') ends++;
        return ends;
    }

    /** CPU nanoseconds (the least of ten rounds of N / 10 calls) and bytes allocated per call of {@code call}. */
    private static <T> String measure(ToLongFunction<T> call, T input) {
        long id = Thread.currentThread().threadId();
        double leastNanos = Double.MAX_VALUE;
        long bytes = 0;
        for (int round = 0; round < 10; round++) {
            long bytes0 = THREADS.getThreadAllocatedBytes(id);
            long t0 = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < N / 10; i++) sink += call.applyAsLong(input);
            long t1 = THREADS.getCurrentThreadCpuTime();
            bytes += THREADS.getThreadAllocatedBytes(id) - bytes0;
            leastNanos = Math.min(leastNanos, (t1 - t0) / (N / 10.0));
        }
        return String.format("%.0f ns %d B", leastNanos, bytes / N);
    }
}
