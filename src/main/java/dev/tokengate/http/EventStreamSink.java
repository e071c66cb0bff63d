package dev.tokengate.http;

import dev.tokengate.core.StreamSink;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * What every streamed answer shares, whatever its framing: the SSE headers go out with the first event (so a failure
 * before it can still be a plain HTTP error), and a client that goes away cancels the stream once and runs the actions
 * registered for it.
 */
abstract class EventStreamSink implements StreamSink {
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
}
