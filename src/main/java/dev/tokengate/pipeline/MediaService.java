package dev.tokengate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.EmbeddingProvider;
import dev.tokengate.core.ImageProvider;
import dev.tokengate.core.Usage;
import dev.tokengate.tokens.Tokenizer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;

/**
 * Embeddings and image generation: admitted and settled like chat ({@link Accounting}: rate limits, a hold of the worst
 * case, a usage record), then the model's deployments in weighted order, moving on after retryable failures.
 * Embeddings cost their input tokens at the input price; images their count at the per-image price.
 */
public final class MediaService {
    /** Inputs longer than this are counted on a worker thread, as chat prompts are. */
    private static final long COUNT_ON_WORKER_ABOVE_CHARS = 16_384;

    private final Vertx vertx;
    private final ModelCatalog catalog;
    private final Map<String, EmbeddingProvider> embedders;
    private final Map<String, ImageProvider> painters;
    private final Attempts attempts;
    private final Accounting accounting;

    public MediaService(Vertx vertx, ModelCatalog catalog, Map<String, EmbeddingProvider> embedders,
                        Map<String, ImageProvider> painters, Attempts attempts, Accounting accounting) {
        this.vertx = vertx;
        this.catalog = catalog;
        this.embedders = embedders;
        this.painters = painters;
        this.attempts = attempts;
        this.accounting = accounting;
    }

    public Future<ChatService.Served<EmbeddingProvider.Result>> embed(Caller caller, String model, EmbeddingProvider.Request request) {
        catalog.require(model, GatewayConfig.Model.EMBEDDING);
        List<Deployment> plan = catalog.order(model);
        return inputTokens(request).compose(tokens -> {
            long worst = 0;
            for (Deployment d : plan) worst = Math.max(worst, d.price().costMicros(new Usage(tokens, 0, 0)));
            return accounting.admit(caller, model, tokens, worst);
        }).compose(ticket -> guarded(() -> attempts.run(plan, false, caller.deadline(), d -> provider(embedders, d).embed(d, request)
                        .map(r -> new ChatService.Served<>(r, d.publicModel(), d, new Usage(r.promptTokens(), 0, 0)))))
                .andThen(ar -> {
                    if (ar.succeeded()) ticket.finish(ar.result().deployment(), ar.result().usage(), 200, false);
                    else ticket.finish(null, Usage.ZERO, ChatService.asApi(ar.cause()).kind().status(), false);
                }));
    }

    /**
     * Images count as one request and no tokens against the rate limits; the worst case is {@code n} images at the
     * dearest deployment's per-image price, and the charge is the images actually returned.
     */
    public Future<ChatService.Served<ImageProvider.Result>> generate(Caller caller, String model, ImageProvider.Request request) {
        catalog.require(model, GatewayConfig.Model.IMAGE);
        List<Deployment> plan = catalog.order(model);
        long worst = 0;
        for (Deployment d : plan) worst = Math.max(worst, d.price().imagesMicros(request.n()));
        return accounting.admit(caller, model, 0, worst).compose(ticket -> guarded(() -> attempts.run(plan, false, caller.deadline(), d -> provider(painters, d)
                        .generate(d, request).map(r -> new ChatService.Served<>(r, d.publicModel(), d, Usage.ZERO))))
                .andThen(ar -> {
                    if (ar.succeeded()) {
                        Deployment d = ar.result().deployment();
                        ticket.finish(d, Usage.ZERO, d.price().imagesMicros(ar.result().value().images().size()), false, 200, false);
                    } else {
                        ticket.finish(null, Usage.ZERO, 0, false, ChatService.asApi(ar.cause()).kind().status(), false);
                    }
                }));
    }

    /** Our count of the input (o200k for texts; token arrays count their length), for limits and the worst case. */
    private Future<Integer> inputTokens(EmbeddingProvider.Request request) {
        if (request.texts() == null) return Future.succeededFuture(tokenArrayLength(request.rawInput()));
        long chars = 0;
        for (String t : request.texts()) chars += t.length();
        if (chars <= COUNT_ON_WORKER_ABOVE_CHARS) return Future.succeededFuture(count(request.texts()));
        return vertx.executeBlocking(() -> count(request.texts()), false);
    }

    private static int count(List<String> texts) {
        int n = 0;
        for (String t : texts) n += Tokenizer.count(t);
        return n;
    }

    private static int tokenArrayLength(JsonNode raw) {
        if (raw == null) return 0;
        if (!raw.isArray()) return 1;
        int n = 0;
        for (JsonNode x : raw) n += x.isArray() ? x.size() : 1;
        return n;
    }

    private static <T> Future<T> guarded(java.util.function.Supplier<Future<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private static <P> P provider(Map<String, P> providers, Deployment d) {
        P p = providers.get(d.providerType());
        if (p == null) throw ApiException.invalid("model", "The model '" + d.publicModel() + "' is served by '"
                + d.providerType() + "', which cannot do this.", "model_not_supported");
        return p;
    }
}
