package dev.tokengate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.accounts.AccountService;
import dev.tokengate.accounts.User;
import dev.tokengate.batches.Batch;
import dev.tokengate.batches.BatchFactory;
import dev.tokengate.batches.BatchService;
import dev.tokengate.batches.BatchViews;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Json;
import dev.tokengate.wire.batches.LettaBatchDecoder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The message batches API of seed 003 (Letta's shapes) under /v1/messages/batches, and the operator's view of any user's
 * batches at /admin/v1/users/{id}/batches.
 */
final class LettaBatchRoutes {
    private final Vertx vertx;
    private final BatchService batches;
    private final BatchFactory factory;
    private final RequestAuth auth;
    private final String defaultModel;
    private final AccountService accounts;

    LettaBatchRoutes(Vertx vertx, BatchService batches, BatchFactory factory, RequestAuth auth, String defaultModel,
                     AccountService accounts) {
        this.vertx = vertx;
        this.accounts = accounts;
        this.batches = batches;
        this.factory = factory;
        this.auth = auth;
        this.defaultModel = defaultModel;
    }

    void mount(Router router) {
        router.post("/v1/messages/batches").handler(ctx -> Handlers.run(ctx, () -> create(ctx)));
        router.get("/v1/messages/batches").handler(ctx -> Handlers.run(ctx, () -> list(ctx)));
        router.get("/v1/messages/batches/:id").handler(ctx -> Handlers.run(ctx, () -> retrieve(ctx)));
        router.patch("/v1/messages/batches/:id/cancel").handler(ctx -> Handlers.run(ctx, () -> cancel(ctx)));
        router.get("/v1/messages/batches/:id/messages").handler(ctx -> Handlers.run(ctx, () -> messages(ctx)));
        router.get("/admin/v1/users/:id/batches").handler(ctx -> Handlers.run(ctx, () -> {
            String userId = ctx.pathParam("id");
            Page page = Page.of(ctx, 100);
            vertx.executeBlocking(() -> accounts.getUser(userId), false)
                    .compose(user -> listOf(user.id(), page))
                    .onComplete(ar -> answer(ctx, ar));
        }));
    }

    private void create(RoutingContext ctx) {
        User user = auth.user(ctx);
        LettaBatchDecoder.Request req = LettaBatchDecoder.decode(Json.parse(Handlers.body(ctx)), defaultModel,
                factory.config().maxRequests());
        List<BatchFactory.ItemSpec> specs = new ArrayList<>();
        for (LettaBatchDecoder.Item i : req.items()) specs.add(new BatchFactory.ItemSpec(i.model(), i.chatBody(), i.agentId()));
        String agentId = req.items().stream().map(LettaBatchDecoder.Item::agentId).distinct().count() == 1 ? req.items().get(0).agentId() : null;
        BatchFactory.Planned planned = factory.plan(user, "letta", "job-", specs, req.callbackUrl(), agentId, null, null, null,
                "{\"job_type\":\"batch_messages\"}", "requests[%d].");
        Future<Void> guarded = req.callbackUrl() == null ? Future.succeededFuture()
                : vertx.executeBlocking(() -> {
                    batches.callbacks().guard().check(req.callbackUrl(), "callback_url");
                    return null;
                }, false);
        guarded.compose(v -> batches.create(planned.batch(), planned.items()))
                .compose(this::withCounts)
                .onComplete(ar -> answer(ctx, ar));
    }

    private void list(RoutingContext ctx) {
        User user = auth.user(ctx);
        Page page = Page.of(ctx, 100);
        listOf(user.id(), page).onComplete(ar -> answer(ctx, ar));
    }

    private Future<JsonNode> listOf(String userId, Page page) {
        return batches.list(userId, "letta", page.after(), page.before(), page.limit(), page.ascending())
                .compose(list -> {
                    List<Future<ObjectNode>> views = list.stream().map(this::withCounts).toList();
                    return Future.all(views).map(all -> {
                        ArrayNode arr = Json.array();
                        views.forEach(f -> arr.add(f.result()));
                        return (JsonNode) arr;
                    });
                });
    }

    private void retrieve(RoutingContext ctx) {
        batches.get(auth.user(ctx).id(), "letta", ctx.pathParam("id")).compose(this::withCounts).onComplete(ar -> answer(ctx, ar));
    }

    private void cancel(RoutingContext ctx) {
        batches.cancel(auth.user(ctx).id(), "letta", ctx.pathParam("id")).compose(this::withCounts).onComplete(ar -> answer(ctx, ar));
    }

    private void messages(RoutingContext ctx) {
        User user = auth.user(ctx);
        Page page = Page.of(ctx, 100);
        String agentId = ctx.queryParams().get("agent_id");
        batches.get(user.id(), "letta", ctx.pathParam("id"))
                .compose(b -> batches.items(b.id()).map(items -> BatchViews.messages(b, items)))
                .map(all -> {
                    List<ObjectNode> filtered = agentId == null ? all
                            : all.stream().filter(m -> agentId.equals(m.path("agent_id").asText(null))).toList();
                    List<ObjectNode> ordered = new ArrayList<>(filtered);
                    if (!page.ascending()) java.util.Collections.reverse(ordered);
                    ObjectNode o = Json.object();
                    ArrayNode arr = o.putArray("messages");
                    page.slice(ordered, m -> m.path("id").asText()).forEach(arr::add);
                    return (JsonNode) o;
                })
                .onComplete(ar -> answer(ctx, ar));
    }

    private Future<ObjectNode> withCounts(Batch b) {
        return batches.counts(b.id()).map(c -> BatchViews.batchJob(b, c));
    }

    private static void answer(RoutingContext ctx, io.vertx.core.AsyncResult<? extends JsonNode> ar) {
        if (ar.succeeded()) Responses.json(ctx, 200, ar.result());
        else Responses.error(ctx, ar.cause());
    }

    /** Cursor pagination: before/after are ids, limit bounded, order asc or desc, order_by only created_at (Letta's). */
    record Page(String after, String before, int limit, boolean ascending) {
        static Page of(RoutingContext ctx, int defaultLimit) {
            String limitText = ctx.queryParams().get("limit");
            int limit = defaultLimit;
            if (limitText != null) {
                try {
                    limit = Integer.parseInt(limitText);
                } catch (NumberFormatException e) {
                    throw ApiException.invalid("limit", "'limit' must be an integer.", "invalid_type");
                }
                if (limit < 1 || limit > 1000) throw ApiException.invalid("limit", "'limit' must be between 1 and 1000.", "invalid_value");
            }
            String order = ctx.queryParams().get("order");
            if (order != null && !order.equals("asc") && !order.equals("desc")) {
                throw ApiException.invalid("order", "'order' must be 'asc' or 'desc'.", "invalid_value");
            }
            String orderBy = ctx.queryParams().get("order_by");
            if (orderBy != null && !orderBy.equals("created_at")) {
                throw ApiException.invalid("order_by", "'order_by' must be 'created_at'.", "invalid_value");
            }
            return new Page(ctx.queryParams().get("after"), ctx.queryParams().get("before"), limit, "asc".equals(order));
        }

        /** Items strictly after {@code after} and before {@code before} in the given order, at most limit. */
        <T> List<T> slice(List<T> ordered, java.util.function.Function<T, String> id) {
            int from = 0;
            int to = ordered.size();
            for (int i = 0; i < ordered.size(); i++) {
                String x = id.apply(ordered.get(i));
                if (x.equals(after)) from = i + 1;
                if (x.equals(before)) to = i;
            }
            if (from >= to) return List.of();
            return ordered.subList(from, Math.min(to, from + limit));
        }
    }
}
