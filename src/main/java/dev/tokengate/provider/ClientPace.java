package dev.tokengate.provider;

import dev.tokengate.core.StreamSink;
import io.vertx.core.http.HttpClientResponse;

/**
 * Holds an upstream stream back while its client's write queue is full, and lets it go once the client has drained:
 * the upstream response is paused (Vert.x stops reading it, and the upstream's own flow control stops the sender) and
 * its idle guard suspended, since an upstream we do not read is not a quiet one.
 */
final class ClientPace {
    private final HttpClientResponse resp;
    private final IdleTimer idle;
    private final StreamSink sink;
    private boolean held;

    ClientPace(HttpClientResponse resp, IdleTimer idle, StreamSink sink) {
        this.resp = resp;
        this.idle = idle;
        this.sink = sink;
    }

    /** Called after each upstream read has been handed to the sink. */
    void holdIfFull() {
        if (held || !sink.writeQueueFull()) return;
        held = true;
        resp.pause();
        idle.suspend();
        sink.whenWritable(this::release);
    }

    private void release() {
        held = false;
        idle.resume();
        resp.resume();
    }
}
