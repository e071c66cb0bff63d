package dev.tokengate.core;

import io.vertx.core.Future;

/**
 * The whole contract of a chat upstream. Extra abilities (embeddings, images, batches) are separate interfaces.
 * Implementations never block the calling event loop.
 */
public interface Provider {
    Future<ChatResponse> chat(Deployment deployment, ChatRequest request);

    /**
     * Streams the answer into {@code sink}. The future fails before the first chunk for errors that may be retried
     * elsewhere, and fails after chunks were delivered for a broken stream; it completes when the stream ends.
     */
    Future<Void> stream(Deployment deployment, ChatRequest request, StreamSink sink);
}
