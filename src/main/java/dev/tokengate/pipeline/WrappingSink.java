package dev.tokengate.pipeline;

import dev.tokengate.core.StreamSink;

/**
 * A sink that watches a stream on its way to another sink: what concerns the client (whether it went away, whether
 * its write queue is full) is the wrapped sink's to answer.
 */
abstract class WrappingSink implements StreamSink {
    protected final StreamSink inner;

    WrappingSink(StreamSink inner) {
        this.inner = inner;
    }

    @Override
    public final boolean cancelled() {
        return inner.cancelled();
    }

    @Override
    public final void whenCancelled(Runnable action) {
        inner.whenCancelled(action);
    }

    @Override
    public final boolean writeQueueFull() {
        return inner.writeQueueFull();
    }

    @Override
    public final void whenWritable(Runnable action) {
        inner.whenWritable(action);
    }
}
