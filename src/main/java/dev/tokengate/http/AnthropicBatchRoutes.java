package dev.tokengate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.accounts.User;
import dev.tokengate.batches.AnthropicBatchViews;
import dev.tokengate.batches.AnthropicBatches;
import dev.tokengate.batches.BatchFactory;
import dev.tokengate.core.Json;
import dev.tokengate.wire.batches.AnthropicBatchDecoder;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Anthropic's Message Batches API under /v1/messages/batches, for requests that carry an {@code anthropic-version}
 * header (every Anthropic SDK sends one). Requests without it go on to {@link LettaBatchRoutes} at the same paths, so
 * these routes are mounted first.
 */
final class AnthropicBatchRoutes {
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 1000;
    private static final int RESULTS_CHUNK_BYTES = 64 * 1024;

    private final Vertx vertx;
    private final AnthropicBatches batches;
    private final RequestAuth auth;

    AnthropicBatchRoutes(Vertx vertx, AnthropicBatches batches, RequestAuth auth) {
        this.vertx = vertx;
        this.batches = batches;
        this.auth = auth;
    }

    void mount(Router router) {
        router.post("/v1/messages/batches").handler(anthropicOnly(this::create));
        router.get("/v1/messages/batches").handler(anthropicOnly(this::list));
        router.get("/v1/messages/batches/:id").handler(anthropicOnly(this::retrieve));
        router.delete("/v1/messages/batches/:id").handler(anthropicOnly(this::delete));
        router.post("/v1/messages/batches/:id/cancel").handler(anthropicOnly(this::cancel));
        router.get("/v1/messages/batches/:id/results").handler(anthropicOnly(this::results));
        // Letta-only routes do not exist in Anthropic's API: with the header they are unknown routes, in Anthropic's format
        router.patch("/v1/messages/batches/:id/cancel").handler(anthropicOnly(ctx -> ctx.fail(404)));
        router.get("/v1/messages/batches/:id/messages").handler(anthropicOnly(ctx -> ctx.fail(404)));
    }

    /** Runs the handler for Anthropic's requests; passes the others on to the next matching route (Letta's). */
    private static Handler<RoutingContext> anthropicOnly(Handler<RoutingContext> handler) {
        return ctx -> {
            if (ctx.request().getHeader(ApiFamily.ANTHROPIC_VERSION) == null) ctx.next();
            else Handlers.run(ctx, () -> handler.handle(ctx));
        };
    }

    private void create(RoutingContext ctx) {
        User user = auth.user(ctx);
        List<BatchFactory.ItemSpec> specs = AnthropicBatchDecoder.decode(Json.parse(Handlers.body(ctx)), batches.maxRequests())
                .stream().map(i -> new BatchFactory.ItemSpec(i.model(), i.chatBody(), i.customId())).toList();
        batches.create(user, specs).map(c -> (JsonNode) view(ctx, c)).onComplete(ar -> answer(ctx, ar));
    }

    private void list(RoutingContext ctx) {
        User user = auth.user(ctx);
        int limit = Paging.limit(ctx.queryParams().get("limit"), DEFAULT_LIMIT, MAX_LIMIT);
        batches.list(user, ctx.queryParams().get("after_id"), ctx.queryParams().get("before_id"), limit)
                .map(page -> (JsonNode) AnthropicBatchViews.page(page.batches().stream().map(c -> view(ctx, c)).toList(), page.hasMore()))
                .onComplete(ar -> answer(ctx, ar));
    }

    private void retrieve(RoutingContext ctx) {
        batches.get(auth.user(ctx), ctx.pathParam("id")).map(c -> (JsonNode) view(ctx, c)).onComplete(ar -> answer(ctx, ar));
    }

    private void cancel(RoutingContext ctx) {
        batches.cancel(auth.user(ctx), ctx.pathParam("id")).map(c -> (JsonNode) view(ctx, c)).onComplete(ar -> answer(ctx, ar));
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        batches.delete(auth.user(ctx), id).map(v -> (JsonNode) AnthropicBatchViews.deleted(id)).onComplete(ar -> answer(ctx, ar));
    }

    private void results(RoutingContext ctx) {
        batches.results(auth.user(ctx), ctx.pathParam("id")).onComplete(ar -> {
            if (ar.failed()) {
                Responses.error(ctx, ar.cause());
                return;
            }
            HttpServerResponse r = ctx.response();
            if (r.closed()) return;
            // the SDKs read JSONL whatever they asked for in Accept (application/x-jsonl, application/binary)
            r.setStatusCode(200).putHeader("Content-Type", "application/x-jsonl").setChunked(true);
            writeResults(r, ar.result(), 0);
        });
    }

    /** Writes result lines in chunks, waiting for the client to drain when it reads slower than we write. */
    private void writeResults(HttpServerResponse r, AnthropicBatches.Results results, int from) {
        if (r.closed()) return;
        Buffer chunk = Buffer.buffer(RESULTS_CHUNK_BYTES + 1024);
        int i = from;
        while (i < results.items().size() && chunk.length() < RESULTS_CHUNK_BYTES) {
            ObjectNode line = AnthropicBatchViews.resultLine(results.batch(), results.items().get(i++));
            if (line != null) chunk.appendBytes(Json.bytes(line)).appendByte((byte) '\n');
        }
        if (i >= results.items().size()) {
            r.end(chunk);
            return;
        }
        int next = i;
        r.write(chunk);
        if (r.writeQueueFull()) {
            r.drainHandler(v -> {
                r.drainHandler(null);
                writeResults(r, results, next);
            });
        } else {
            vertx.runOnContext(v -> writeResults(r, results, next));
        }
    }

    /** The MessageBatch with its results URL on this gateway, as the client reached it. */
    private static ObjectNode view(RoutingContext ctx, AnthropicBatches.Counted c) {
        String url = Handlers.baseUrl(ctx) + "/v1/messages/batches/" + c.batch().id() + "/results";
        return AnthropicBatchViews.messageBatch(c.batch(), c.counts(), url);
    }

    private static void answer(RoutingContext ctx, AsyncResult<? extends JsonNode> ar) {
        if (ar.succeeded()) Responses.json(ctx, 200, ar.result());
        else Responses.error(ctx, ar.cause());
    }
}
