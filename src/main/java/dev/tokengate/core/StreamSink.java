package dev.tokengate.core;

/** Where a provider delivers a stream. Called on the provider's event loop, in order. */
public interface StreamSink {
    void onChunk(ChatChunk chunk);

    /**
     * A chunk together with the upstream's own text of it, which an OpenAI client may be sent instead of our encoding
     * (see {@link ChunkText}). Sinks that pass chunks on pass the text on; the others just take the chunk.
     */
    default void onChunk(ChatChunk chunk, ChunkText text) {
        onChunk(chunk);
    }

    /** True once the client has gone away: providers stop producing and release the upstream. */
    boolean cancelled();

    /** Registers an action to run when the client goes away (for example, resetting the upstream request). */
    void whenCancelled(Runnable action);

    /**
     * True while the client's write queue is full: the provider should stop producing (pause its upstream) until
     * {@link #whenWritable} calls it back. Sinks that write to no client are never full.
     */
    default boolean writeQueueFull() {
        return false;
    }

    /**
     * Runs {@code action} once the client's write queue has room again, at once when it has room now. One producer
     * feeds a stream, so one action waits at a time. A client that goes away never drains: the action then does not
     * run, and the producer learns of it through {@link #whenCancelled}.
     */
    default void whenWritable(Runnable action) {
        action.run();
    }
}
