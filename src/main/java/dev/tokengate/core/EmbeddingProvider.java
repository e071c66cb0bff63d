package dev.tokengate.core;

import io.vertx.core.Future;
import java.util.List;

/** An upstream that turns texts into vectors. */
public interface EmbeddingProvider {
    /**
     * @param input      texts, or (for upstreams that accept them) token arrays as JSON
     * @param dimensions the requested vector length, or null for the model's own
     */
    record Request(List<String> texts, com.fasterxml.jackson.databind.JsonNode rawInput, Integer dimensions, String user) {}

    record Result(List<float[]> vectors, int promptTokens) {}

    Future<Result> embed(Deployment deployment, Request request);
}
