package dev.tokengate.core;

import io.vertx.core.Future;

/**
 * A chat upstream that can hand a plain answer to an OpenAI client as the bytes it received, instead of decoding it
 * into a {@link ChatResponse} that is encoded again. Failures are those of {@link Provider#chat}.
 */
public interface RelayingProvider {
    /** The answer with its {@code model} renamed to the deployment's public model, and its usage. */
    Future<RelayedAnswer> relay(Deployment deployment, ChatRequest request);
}
