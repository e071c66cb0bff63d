package dev.tokengate.http;

import dev.tokengate.accounts.AccountService;
import dev.tokengate.accounts.AccountStore;
import dev.tokengate.batches.AnthropicBatches;
import dev.tokengate.batches.BatchFactory;
import dev.tokengate.batches.BatchService;
import dev.tokengate.batches.OpenAiBatches;
import dev.tokengate.files.FileService;
import dev.tokengate.cache.ImageVault;
import dev.tokengate.billing.Balances;
import dev.tokengate.jobs.JobService;
import dev.tokengate.pipeline.DeploymentHealth;
import dev.tokengate.pipeline.MediaService;
import dev.tokengate.pipeline.ResponseCaching;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import dev.tokengate.logging.RequestContext;
import dev.tokengate.metrics.Metrics;
import dev.tokengate.pipeline.ChatService;
import dev.tokengate.pipeline.ModelCatalog;
import dev.tokengate.responses.ResponseService;
import dev.tokengate.tracing.Tracing;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Builds the router: every route of every API family, listed here in one place. Tests run exactly this router.
 */
public final class HttpApi {
    public record Deps(GatewayConfig config, ChatService chat, ModelCatalog catalog, AccountService accounts,
                       RequestAuth auth, Metrics metrics, BooleanSupplier storageReachable, long startedEpoch,
                       JobService jobs, AccountStore accountStore, BatchService batches, BatchFactory batchFactory,
                       MediaService media, ImageVault images, DeploymentHealth health, Balances balances,
                       FileService files, OpenAiBatches openAiBatches, ResponseService responses,
                       AnthropicBatches anthropicBatches, ResponseCaching caching, Tracing tracing,
                       BooleanSupplier eventLoopsRunning) {}

    /** The request id's header, the client's or ours; Anthropic's clients read theirs from {@code request-id}. */
    static final CharSequence REQUEST_ID = io.vertx.core.http.HttpHeaders.createOptimized("X-Request-Id");
    private static final CharSequence ANTHROPIC_REQUEST_ID = io.vertx.core.http.HttpHeaders.createOptimized("request-id");

    private static final String EVENT_LOOP_STOPPED = "event loop stopped";

    private HttpApi() {}

    public static Router router(Vertx vertx, Deps d) {
        Router router = Router.router(vertx);
        router.route().handler(ctx -> observe(ctx, d.metrics(), d.auth(), d.catalog(), d.tracing()));
        // not preallocated at the request's Content-Length, although every body then starts in a 1 KB buffer (5% of
        // the bytes a chat completion allocated, in a profile): a client that only sends headers claiming a large body
        // would hold up to 64 KB of heap per connection (docs/PERFORMANCE.md, "Session 14")
        BodyHandler jsonBodies = BodyHandler.create(false).setBodyLimit(d.config().server().maxBodyBytes());
        router.route().handler(ctx -> {
            if (!FileRoutes.isUpload(ctx.request())) {
                jsonBodies.handle(ctx);
                return;
            }
            // the upload is read by its own route, after authentication, under the file size limit
            ctx.request().pause();
            EarlyAnswer.guard(ctx);
            ctx.next();
        });

        // a stopped event loop leaves its connections unserved: the process must be replaced (ARCHITECTURE.md, "Event loops")
        router.get("/health").handler(ctx -> {
            boolean ok = d.eventLoopsRunning().getAsBoolean();
            Responses.json(ctx, ok ? 200 : 503, Json.object().put("status", ok ? "ok" : EVENT_LOOP_STOPPED));
        });
        router.get("/ready").handler(ctx -> {
            if (!d.eventLoopsRunning().getAsBoolean()) {
                Responses.json(ctx, 503, Json.object().put("status", EVENT_LOOP_STOPPED));
                return;
            }
            vertx.executeBlocking(d.storageReachable()::getAsBoolean, false).onComplete(ar -> {
                boolean ok = ar.succeeded() && ar.result();
                Responses.json(ctx, ok ? 200 : 503, Json.object().put("status", ok ? "ready" : "storage unreachable"));
            });
        });
        ApiDocsRoutes.mount(router);
        router.get("/metrics").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4")
                .end(d.metrics().scrape()));

        MediaRoutes mediaRoutes = new MediaRoutes(d.media(), d.auth(), d.images(), java.time.InstantSource.system());
        mediaRoutes.mountPublic(router);
        router.route("/v1/*").handler(d.auth()::handle);
        router.route("/api/v1/*").handler(d.auth()::handle);
        router.route("/admin/v1/*").handler(d.auth()::handle);

        new OpenAiRoutes(d.chat(), d.caching(), d.catalog(), d.config().tiers(), d.auth(), d.startedEpoch()).mount(router);
        new AnthropicRoutes(d.chat(), d.auth()).mount(router);
        new ResponseRoutes(d.chat(), d.responses(), d.auth()).mount(router);
        mediaRoutes.mount(router);
        new AdminRoutes(vertx, d.accounts()).mount(router);
        router.get("/admin/v1/deployments").handler(ctx -> {
            var list = Json.object().put("object", "list");
            var data = list.putArray("data");
            for (var m : d.catalog().all()) for (var dep : d.catalog().deployments(m.name())) data.add(d.health().describe(dep));
            Responses.json(ctx, 200, list);
        });
        new JobRoutes(vertx, d.jobs(), d.auth(), d.accountStore()).mount(router);
        // before Letta's: requests with anthropic-version are Anthropic's, the others go on to Letta's routes
        new AnthropicBatchRoutes(vertx, d.anthropicBatches(), d.auth()).mount(router);
        new LettaBatchRoutes(vertx, d.batches(), d.batchFactory(), d.auth(), d.config().jobs().defaultModel(), d.accounts())
                .mount(router);
        new BillingRoutes(vertx, d.balances(), d.accounts(), d.auth()).mount(router);
        new FileRoutes(d.files(), d.auth(), d.config().storage().dataDir().resolve("uploads")).mount(router);
        new OpenAiBatchRoutes(d.openAiBatches(), d.auth()).mount(router);
        new RecentRequestsRoutes(d.metrics().recentRequests()).mount(router);
        new ConsoleRoutes(vertx).mount(router);

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
     * Every mounted endpoint as {@code "METHOD /path/{param}"}, in OpenAPI's path notation; handlers that apply to
     * every method of a prefix (logging, body, authentication) are not endpoints and are left out. An endpoint served by
     * two routes (Anthropic's and Letta's batches, told apart by a header) is listed once.
     */
    public static List<String> endpoints(Router router) {
        List<String> out = new ArrayList<>();
        for (Route r : router.getRoutes()) {
            if (r.getPath() == null || r.methods() == null || r.methods().isEmpty()) continue;
            String path = r.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
            r.methods().forEach(m -> out.add(m.name() + " " + path));
        }
        return out.stream().distinct().toList();
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

    /** Request id, in-flight gauge, per-route metrics, the access log line and the console's recent-requests log for every request. */
    private static void observe(RoutingContext ctx, Metrics metrics, RequestAuth auth, ModelCatalog catalog, Tracing tracing) {
        long start = System.nanoTime();
        String offeredId = ctx.request().getHeader(REQUEST_ID);
        String requestId = requestId(offeredId);
        boolean requestIdGenerated = requestId != offeredId;
        // the response's first headers: added (a put would first look for them, to remove them)
        io.vertx.core.MultiMap headers = ctx.response().headers();
        io.netty.util.AsciiString requestIdAscii = new io.netty.util.AsciiString(requestId);
        headers.add(REQUEST_ID, requestIdAscii);
        if (ApiFamily.of(ctx.request()) == ApiFamily.ANTHROPIC) headers.add(ANTHROPIC_REQUEST_ID, requestIdAscii);
        RequestContext.bind(requestId);
        tracing.requestStarted(ctx, requestId);
        metrics.requestStarted();
        ctx.addEndHandler(ar -> {
            String route = ctx.currentRoute() == null || ctx.currentRoute().getPath() == null ? "other" : ctx.currentRoute().getPath();
            long elapsed = System.nanoTime() - start;
            // each looked up once: the context's values are a hash map
            String requested = ctx.get(Handlers.MODEL);
            String userId = auth.userIdOrNull(ctx);
            int status = ctx.response().getStatusCode();
            String method = ctx.request().method().name();
            // only configured names become labels: every unknown name a client sends would be a series kept forever
            String model = requested != null && catalog.find(requested).isEmpty() ? "unknown" : requested;
            metrics.requestFinished(route, model, status, elapsed);
            AccessLog.write(requestId, requestIdGenerated, method, route, status, elapsed, requested, userId, RequestAuth.keyIdOrNull(ctx));
            if (!RecentRequestsRoutes.isConsoleTraffic(ctx.request().path())) {
                metrics.recentRequests().record(System.currentTimeMillis(), method, route, status, model, elapsed, userId);
            }
        });
        ctx.next();
    }

    /**
     * The client's X-Request-Id when it is a plausible id (printable ASCII, at most 200 characters), else a new one.
     * It is echoed in a header and written to logs, so nothing else is accepted.
     */
    private static final java.util.HexFormat HEX = java.util.HexFormat.of();

    static String requestId(String offered) {
        if (offered != null && !offered.isBlank() && offered.length() <= 200 && offered.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return offered;
        }
        // not a secret, only unique: ThreadLocalRandom spares SecureRandom's cost on every request
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return "req_" + HEX.toHexDigits(r.nextLong()) + HEX.toHexDigits(r.nextLong());
    }
}
