package dev.tokengate.http;

import dev.tokengate.core.StreamSink;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * What every streamed answer shares, whatever its framing: the SSE headers go out with the first event (so a failure
 * before it can still be a plain HTTP error), a client that goes away cancels the stream once and runs the actions
 * registered for it, and a client that reads slower than the upstream sends holds the upstream back through its write
 * queue ({@link #writeQueueFull}, {@link #whenWritable}).
 */
abstract class EventStreamSink implements StreamSink {
    /**
     * The most a stream queues for its client before the provider pauses the upstream. SSE frames are small and each
     * HTTP/1.1 chunk counts three queue entries of 96 bytes on top of its data, so Netty's default of 64 KB would hold
     * some 130 frames (about 100 KB of heap and direct memory) per slow client; 16 KB holds some 30. A fast client
     * loses nothing by it: the kernel's socket send buffer, not this queue, carries its throughput.
     */
    static final int WRITE_QUEUE_BYTES = 16 * 1024;
    protected final HttpServerResponse response;
    private final List<Runnable> onCancel = new ArrayList<>();
    private boolean started;
    private boolean cancelled;

    EventStreamSink(HttpServerResponse response) {
        this.response = response;
        response.closeHandler(v -> cancel());
    }

    private void cancel() {
        if (cancelled) return;
        cancelled = true;
        onCancel.forEach(Runnable::run);
    }

    /** Sends the status and headers before the first event. */
    protected final void start() {
        if (started) return;
        started = true;
        response.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
    }

    /** True once an event went out: from then on a failure must be reported in the stream. */
    final boolean started() {
        return started;
    }

    /** False once the client went away or the stream ended: nothing more may be written. */
    protected final boolean open() {
        return !cancelled && !response.ended();
    }

    @Override
    public final boolean cancelled() {
        return cancelled;
    }

    @Override
    public final void whenCancelled(Runnable action) {
        if (cancelled) action.run();
        else onCancel.add(action);
    }

    @Override
    public final boolean writeQueueFull() {
        return open() && response.writeQueueFull();
    }

    /** The response has one drain handler: set while an action waits, cleared before it runs. */
    @Override
    public final void whenWritable(Runnable action) {
        if (!writeQueueFull()) {
            action.run();
            return;
        }
        response.drainHandler(v -> {
            response.drainHandler(null);
            action.run();
        });
    }
}
