package dev.tokengate.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.accounts.User;
import dev.tokengate.batches.OpenAiBatchViews;
import dev.tokengate.batches.OpenAiBatches;
import dev.tokengate.core.Json;
import io.vertx.core.AsyncResult;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** OpenAI's Batch API under /v1/batches. */
final class OpenAiBatchRoutes {
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;

    private final OpenAiBatches batches;
    private final RequestAuth auth;

    OpenAiBatchRoutes(OpenAiBatches batches, RequestAuth auth) {
        this.batches = batches;
        this.auth = auth;
    }

    void mount(Router router) {
        router.post("/v1/batches").handler(ctx -> Handlers.run(ctx, () -> create(ctx)));
        router.get("/v1/batches").handler(ctx -> Handlers.run(ctx, () -> list(ctx)));
        router.get("/v1/batches/:id").handler(ctx -> Handlers.run(ctx, () -> retrieve(ctx)));
        router.post("/v1/batches/:id/cancel").handler(ctx -> Handlers.run(ctx, () -> cancel(ctx)));
    }

    private void create(RoutingContext ctx) {
        User user = auth.user(ctx);
        OpenAiBatches.CreateRequest req = OpenAiBatches.decode(Json.parse(Handlers.body(ctx)));
        batches.create(user, req).compose(batches::view).onComplete(ar -> answer(ctx, ar));
    }

    private void list(RoutingContext ctx) {
        User user = auth.user(ctx);
        int limit = Paging.limit(ctx.queryParams().get("limit"), DEFAULT_LIMIT, MAX_LIMIT);
        batches.list(user, ctx.queryParams().get("after"), limit)
                .map(page -> (JsonNode) OpenAiBatchViews.list(page.batches(), page.hasMore()))
                .onComplete(ar -> answer(ctx, ar));
    }

    private void retrieve(RoutingContext ctx) {
        batches.get(auth.user(ctx), ctx.pathParam("id")).compose(batches::view).onComplete(ar -> answer(ctx, ar));
    }

    private void cancel(RoutingContext ctx) {
        batches.cancel(auth.user(ctx), ctx.pathParam("id")).compose(batches::view).onComplete(ar -> answer(ctx, ar));
    }

    private static void answer(RoutingContext ctx, AsyncResult<? extends JsonNode> ar) {
        if (ar.succeeded()) Responses.json(ctx, 200, ar.result());
        else Responses.error(ctx, ar.cause());
    }
}
