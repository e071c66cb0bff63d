package dev.tokengate.core;

/** Where a provider delivers a stream. Called on the provider's event loop, in order. */
public interface StreamSink {
    void onChunk(ChatChunk chunk);

    /** True once the client has gone away: providers stop producing and release the upstream. */
    boolean cancelled();

    /** Registers an action to run when the client goes away (for example, resetting the upstream request). */
    void whenCancelled(Runnable action);
}
