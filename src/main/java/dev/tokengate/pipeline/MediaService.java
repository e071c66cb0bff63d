package dev.tokengate.pipeline;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.EmbeddingProvider;
import dev.tokengate.core.ImageProvider;
import dev.tokengate.core.Usage;
import io.vertx.core.Future;
import java.util.Map;

/** Embeddings and image generation: the model's deployments in weighted order, moving on after retryable failures. */
public final class MediaService {
    private final ModelCatalog catalog;
    private final Map<String, EmbeddingProvider> embedders;
    private final Map<String, ImageProvider> painters;
    private final Attempts attempts;

    public MediaService(ModelCatalog catalog, Map<String, EmbeddingProvider> embedders, Map<String, ImageProvider> painters,
                        Attempts attempts) {
        this.catalog = catalog;
        this.embedders = embedders;
        this.painters = painters;
        this.attempts = attempts;
    }

    public Future<ChatService.Served<EmbeddingProvider.Result>> embed(String model, EmbeddingProvider.Request request) {
        catalog.require(model, GatewayConfig.Model.EMBEDDING);
        return attempts.run(catalog.order(model), d -> provider(embedders, d).embed(d, request)
                .map(r -> new ChatService.Served<>(r, d.publicModel(), d, new Usage(r.promptTokens(), 0, 0))));
    }

    public Future<ChatService.Served<ImageProvider.Result>> generate(String model, ImageProvider.Request request) {
        catalog.require(model, GatewayConfig.Model.IMAGE);
        return attempts.run(catalog.order(model), d -> provider(painters, d).generate(d, request)
                .map(r -> new ChatService.Served<>(r, d.publicModel(), d, Usage.ZERO)));
    }

    private static <P> P provider(Map<String, P> providers, Deployment d) {
        P p = providers.get(d.providerType());
        if (p == null) throw ApiException.invalid("model", "The model '" + d.publicModel() + "' is served by '"
                + d.providerType() + "', which cannot do this.", "model_not_supported");
        return p;
    }
}
