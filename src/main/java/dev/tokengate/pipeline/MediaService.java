package dev.tokengate.pipeline;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.EmbeddingProvider;
import dev.tokengate.core.ImageProvider;
import dev.tokengate.core.Usage;
import dev.tokengate.metrics.Metrics;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Embeddings and image generation: the model's deployments in weighted order, moving on after retryable failures. */
public final class MediaService {
    private final ModelCatalog catalog;
    private final Map<String, EmbeddingProvider> embedders;
    private final Map<String, ImageProvider> painters;
    private final Metrics metrics;

    public MediaService(ModelCatalog catalog, Map<String, EmbeddingProvider> embedders, Map<String, ImageProvider> painters,
                        Metrics metrics) {
        this.catalog = catalog;
        this.embedders = embedders;
        this.painters = painters;
        this.metrics = metrics;
    }

    public Future<ChatService.Served<EmbeddingProvider.Result>> embed(String model, EmbeddingProvider.Request request) {
        catalog.require(model, GatewayConfig.Model.EMBEDDING);
        return attempt(catalog.order(model), 0, null, d -> provider(embedders, d).embed(d, request),
                r -> new Usage(r.promptTokens(), 0, 0));
    }

    public Future<ChatService.Served<ImageProvider.Result>> generate(String model, ImageProvider.Request request) {
        catalog.require(model, GatewayConfig.Model.IMAGE);
        return attempt(catalog.order(model), 0, null, d -> provider(painters, d).generate(d, request),
                r -> Usage.ZERO);
    }

    private <T> Future<ChatService.Served<T>> attempt(List<Deployment> ds, int i, ApiException last,
                                                     Function<Deployment, Future<T>> call, Function<T, Usage> usage) {
        if (i >= ds.size()) return Future.failedFuture(last == null ? ApiException.internal("The model has no deployment.") : last);
        Deployment d = ds.get(i);
        long start = System.nanoTime();
        return call.apply(d).transform(ar -> {
            metrics.upstreamCall(d.id(), System.nanoTime() - start, ar.succeeded());
            if (ar.succeeded()) return Future.succeededFuture(new ChatService.Served<>(ar.result(), d.publicModel(), d, usage.apply(ar.result())));
            ApiException e = ChatService.asApi(ar.cause());
            if (e.kind().retryable() && i + 1 < ds.size()) return attempt(ds, i + 1, e, call, usage);
            return Future.failedFuture(e);
        });
    }

    private static <P> P provider(Map<String, P> providers, Deployment d) {
        P p = providers.get(d.providerType());
        if (p == null) throw ApiException.invalid("model", "The model '" + d.publicModel() + "' is served by '"
                + d.providerType() + "', which cannot do this.", "model_not_supported");
        return p;
    }
}
