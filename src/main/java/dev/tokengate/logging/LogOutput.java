package dev.tokengate.logging;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.event.Level;

/**
 * Where log lines go: standard error, written by one background thread so that an event loop never waits on the
 * terminal or a slow pipe. When the queue is full, lines are dropped and counted (a later line says how many) rather
 * than stalling request handling. Listeners see every line synchronously, which is what tests use.
 */
public final class LogOutput {
    private static final int CAPACITY = 16_384;
    private static final long LINGER_MS = 10;
    private static final BlockingQueue<String> QUEUE = new ArrayBlockingQueue<>(CAPACITY);
    private static final AtomicLong DROPPED = new AtomicLong();
    private static final List<Consumer<String>> LISTENERS = new CopyOnWriteArrayList<>();
    private static final Object WRITE_LOCK = new Object();
    private static final PrintStream TARGET = System.err;
    /** Guarded by {@link #WRITE_LOCK}; keeps its capacity between batches. */
    private static final Buffer BATCH = new Buffer();
    private static final byte[] LINE_SEPARATOR = System.lineSeparator().getBytes(StandardCharsets.UTF_8);

    /** A byte buffer that hands its content to the stream without copying it first. */
    private static final class Buffer extends java.io.ByteArrayOutputStream {
        Buffer() {
            super(64 * 1024);
        }

        void writeInto(PrintStream out) {
            out.write(buf, 0, count);
            // a burst's buffer is not kept for good
            if (buf.length > 1024 * 1024) buf = new byte[64 * 1024];
            count = 0;
        }
    }

    static {
        Thread writer = new Thread(LogOutput::drainForever, "tokengate-log-writer");
        writer.setDaemon(true);
        writer.start();
        Runtime.getRuntime().addShutdownHook(new Thread(LogOutput::flush, "tokengate-log-flush"));
    }

    private LogOutput() {}

    static void write(String line) {
        for (Consumer<String> l : LISTENERS) l.accept(line);
        if (!QUEUE.offer(line)) DROPPED.incrementAndGet();
    }

    /** Calls {@code listener} with every line logged until the returned handle is closed. */
    public static AutoCloseable capture(Consumer<String> listener) {
        LISTENERS.add(listener);
        return () -> LISTENERS.remove(listener);
    }

    /** Writes whatever is queued now. */
    public static void flush() {
        List<String> batch = new ArrayList<>();
        QUEUE.drainTo(batch);
        writeAll(batch);
    }

    private static void drainForever() {
        List<String> batch = new ArrayList<>();
        while (true) {
            try {
                String first = QUEUE.poll(1, TimeUnit.SECONDS);
                if (first == null) continue;
                batch.add(first);
                // gather what arrives in the next moment, so a busy gateway makes one write (and one wake-up) per
                // batch of lines instead of one per line
                Thread.sleep(LINGER_MS);
                QUEUE.drainTo(batch, 4096);
                writeAll(batch);
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void writeAll(List<String> lines) {
        if (lines.isEmpty()) return;
        synchronized (WRITE_LOCK) {
            long dropped = DROPPED.getAndSet(0);
            if (dropped > 0) {
                TARGET.println(LogLine.format(Level.WARN, "tokengate.log",
                        "dropped " + dropped + " log lines: the log output could not keep up", List.of(), null));
            }
            // one write for the whole batch: println on standard error flushes (a system call) per line; each line is
            // encoded once, straight into the batch's buffer
            BATCH.reset();
            for (String line : lines) {
                BATCH.writeBytes(line.getBytes(StandardCharsets.UTF_8));
                BATCH.writeBytes(LINE_SEPARATOR);
            }
            BATCH.writeInto(TARGET);
            TARGET.flush();
        }
    }
}
