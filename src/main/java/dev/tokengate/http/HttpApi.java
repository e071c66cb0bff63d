package dev.tokengate.http;

import dev.tokengate.accounts.AccountService;
import dev.tokengate.accounts.AccountStore;
import dev.tokengate.batches.BatchFactory;
import dev.tokengate.batches.BatchService;
import dev.tokengate.cache.ImageVault;
import dev.tokengate.jobs.JobService;
import dev.tokengate.pipeline.MediaService;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import dev.tokengate.metrics.Metrics;
import dev.tokengate.pipeline.ChatService;
import dev.tokengate.pipeline.ModelCatalog;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Builds the router: every route of every API family, listed here in one place. Tests run exactly this router.
 */
public final class HttpApi {
    public record Deps(GatewayConfig config, ChatService chat, ModelCatalog catalog, AccountService accounts,
                       RequestAuth auth, Metrics metrics, BooleanSupplier storageReachable, long startedEpoch,
                       JobService jobs, AccountStore accountStore, BatchService batches, BatchFactory batchFactory,
                       MediaService media, ImageVault images) {}

    private HttpApi() {}

    public static Router router(Vertx vertx, Deps d) {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> observe(ctx, d.metrics(), d.catalog()));
        router.route().handler(BodyHandler.create(false).setBodyLimit(d.config().server().maxBodyBytes()));

        router.get("/health").handler(ctx -> Responses.json(ctx, 200, Json.object().put("status", "ok")));
        router.get("/ready").handler(ctx -> vertx.executeBlocking(d.storageReachable()::getAsBoolean, false).onComplete(ar -> {
            boolean ok = ar.succeeded() && ar.result();
            Responses.json(ctx, ok ? 200 : 503, Json.object().put("status", ok ? "ready" : "storage unreachable"));
        }));
        router.get("/metrics").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4")
                .end(d.metrics().scrape()));

        MediaRoutes mediaRoutes = new MediaRoutes(d.media(), d.images(), java.time.InstantSource.system());
        mediaRoutes.mountPublic(router);
        router.route("/v1/*").handler(d.auth()::handle);
        router.route("/api/v1/*").handler(d.auth()::handle);
        router.route("/admin/v1/*").handler(d.auth()::handle);

        new OpenAiRoutes(d.chat(), d.catalog(), d.config().tiers(), d.auth(), d.startedEpoch()).mount(router);
        mediaRoutes.mount(router);
        new AdminRoutes(vertx, d.accounts()).mount(router);
        new JobRoutes(vertx, d.jobs(), d.auth(), d.accountStore()).mount(router);
        new LettaBatchRoutes(vertx, d.batches(), d.batchFactory(), d.auth(), d.config().jobs().defaultModel()).mount(router);

        router.errorHandler(404, ctx -> Responses.error(ctx, new ApiException(ErrorKind.NOT_FOUND,
                "Unknown route: " + ctx.request().method() + " " + ctx.request().path(), null, "unknown_route")));
        router.errorHandler(405, ctx -> Responses.error(ctx, new ApiException(ErrorKind.METHOD_NOT_ALLOWED,
                "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path() + ".", null, "method_not_allowed")));
        router.errorHandler(413, ctx -> Responses.error(ctx, new ApiException(ErrorKind.PAYLOAD_TOO_LARGE,
                "The request body is larger than the limit of " + d.config().server().maxBodyBytes() + " bytes.", null, "request_too_large")));
        router.errorHandler(400, ctx -> Responses.error(ctx, ctx.failure() instanceof ApiException a ? a
                : ApiException.invalid(null, "The request could not be read.")));
        router.errorHandler(500, ctx -> Responses.error(ctx, ctx.failure() == null ? ApiException.internal("Internal error.") : ctx.failure()));
        return router;
    }

    /**
     * Requests the HTTP codec could not read (request line or headers over the limits, malformed HTTP): the status
     * Vert.x would pick, with the error body of the path's API family instead of an empty one. The connection closes.
     */
    public static void invalidRequest(HttpServerRequest req) {
        Throwable cause = req.decoderResult() == null ? null : req.decoderResult().cause();
        int status;
        ApiException e;
        if (cause instanceof TooLongHttpLineException) {
            status = 414;
            e = ApiException.invalid(null, "The request line is longer than the server accepts.", "request_line_too_long");
        } else if (cause instanceof TooLongHttpHeaderException) {
            status = 431;
            e = ApiException.invalid(null, "The request headers are larger than the server accepts.", "request_headers_too_large");
        } else {
            status = 400;
            e = ApiException.invalid(null, "The request is not valid HTTP/1.1.", "malformed_request");
        }
        String path;
        try {
            path = req.path() == null ? "/" : req.path();
        } catch (RuntimeException unreadable) {
            path = "/";
        }
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
                .end(Buffer.buffer(Json.bytes(Responses.body(ApiFamily.ofPath(path), e))))
                .onComplete(ar -> req.connection().close());
    }

    /** Request id, in-flight gauge and per-route metrics for every request. */
    private static void observe(RoutingContext ctx, Metrics metrics, ModelCatalog catalog) {
        long start = System.nanoTime();
        String requestId = ctx.request().getHeader("X-Request-Id");
        if (requestId == null || requestId.isBlank() || requestId.length() > 200) requestId = "req_" + UUID.randomUUID().toString().replace("-", "");
        ctx.response().putHeader("X-Request-Id", requestId);
        metrics.requestStarted();
        ctx.addEndHandler(ar -> {
            String route = ctx.currentRoute() == null || ctx.currentRoute().getPath() == null ? "other" : ctx.currentRoute().getPath();
            // only configured names become labels: every unknown name a client sends would be a series kept forever
            String model = ctx.get(Handlers.MODEL);
            if (model != null && catalog.find(model).isEmpty()) model = "unknown";
            metrics.requestFinished(route, model, ctx.response().getStatusCode(), System.nanoTime() - start);
        });
        ctx.next();
    }
}
