package dev.tokengate.tracing;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Deployment;
import dev.tokengate.logging.RequestContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracing on: the OpenTelemetry SDK with a batch span processor and the OTLP HTTP/protobuf exporter. The trace context
 * of a request lives in its Vert.x duplicated context (which follows the request through callbacks and blocking work,
 * as the request id for logs does), never in a thread-local an event loop would share between requests; OpenTelemetry's
 * own thread-local context is made current only for the synchronous start of an upstream call, where the provider
 * reads the {@code traceparent} to send.
 */
final class OtelTracing implements Tracing {
    private static final Logger LOG = LoggerFactory.getLogger(OtelTracing.class);
    private static final Object KEY = new Object();
    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<HttpServerRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServerRequest carrier) {
            return carrier.headers().names();
        }

        @Override
        public String get(HttpServerRequest carrier, String key) {
            return carrier == null ? null : carrier.getHeader(key);
        }
    };

    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("tokengate.request_id");
    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("tokengate.deployment");
    static final AttributeKey<String> PUBLIC_MODEL = AttributeKey.stringKey("tokengate.model");
    static final AttributeKey<Long> RETRY = AttributeKey.longKey("tokengate.upstream.retry");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> UPSTREAM_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("tokengate.job.id");
    static final AttributeKey<String> JOB_KIND = AttributeKey.stringKey("tokengate.job.kind");
    static final AttributeKey<String> BATCH_ID = AttributeKey.stringKey("tokengate.batch.id");
    static final AttributeKey<Long> JOB_ATTEMPT = AttributeKey.longKey("tokengate.job.attempt");

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private OtelTracing(SdkTracerProvider provider) {
        this.provider = provider;
        this.tracer = provider.get("dev.tokengate");
    }

    static OtelTracing start(GatewayConfig.Tracing config) {
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(tracesUrl(config.otlpEndpoint())).build();
        Resource resource = Resource.getDefault().merge(Resource.create(
                Attributes.of(AttributeKey.stringKey("service.name"), config.serviceName())));
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio())))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        LOG.info("tracing on: spans go to {} as service {}", tracesUrl(config.otlpEndpoint()), config.serviceName());
        return new OtelTracing(provider);
    }

    /** The collector's base URL gets OTLP's traces path; a URL that already names it is kept. */
    static String tracesUrl(String endpoint) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        return base.endsWith("/v1/traces") ? base : base + "/v1/traces";
    }

    @Override
    public void requestStarted(RoutingContext ctx, String requestId) {
        HttpServerRequest req = ctx.request();
        String method = req.method().name();
        Context parent = W3C.extract(Context.root(), req, HEADERS);
        var builder = tracer.spanBuilder(method).setParent(parent).setSpanKind(SpanKind.SERVER)
                .setAttribute(HTTP_METHOD, method)
                .setAttribute(URL_PATH, req.path())
                .setAttribute(URL_SCHEME, req.scheme() == null ? "http" : req.scheme())
                .setAttribute(REQUEST_ID, requestId);
        String agent = req.getHeader("User-Agent");
        if (agent != null) builder.setAttribute(USER_AGENT, agent);
        Span span = builder.startSpan();
        bind(parent.with(span));
        ctx.addEndHandler(ar -> {
            String route = ctx.currentRoute() == null || ctx.currentRoute().getPath() == null ? null : ctx.currentRoute().getPath();
            int status = ctx.response().getStatusCode();
            if (route != null) {
                span.updateName(method + " " + route);
                span.setAttribute(HTTP_ROUTE, route);
            }
            span.setAttribute(HTTP_STATUS, (long) status);
            if (status >= 500) {
                span.setAttribute(ERROR_TYPE, Integer.toString(status));
                span.setStatus(StatusCode.ERROR);
            } else if (ar.failed()) {
                span.setAttribute(ERROR_TYPE, ar.cause().getClass().getSimpleName());
                span.setStatus(StatusCode.ERROR, "the response was not sent completely");
            }
            span.end();
        });
    }

    @Override
    public <T> Future<T> upstreamAttempt(Deployment d, int retry, Function<Deployment, Future<T>> call) {
        Context parent = current();
        Span span = tracer.spanBuilder("upstream " + d.id()).setParent(parent).setSpanKind(SpanKind.CLIENT)
                .setAttribute(DEPLOYMENT, d.id())
                .setAttribute(PROVIDER, d.providerType())
                .setAttribute(UPSTREAM_MODEL, d.upstreamModel())
                .setAttribute(PUBLIC_MODEL, d.publicModel())
                .setAttribute(RETRY, (long) retry)
                .startSpan();
        String host = host(d.baseUrl());
        if (host != null) span.setAttribute(SERVER_ADDRESS, host);
        Future<T> f;
        try (Scope ignored = parent.with(span).makeCurrent()) {
            f = call.apply(d);
        } catch (RuntimeException e) {
            ended(span, e);
            throw e;
        }
        return f.andThen(ar -> ended(span, ar.succeeded() ? null : ar.cause()));
    }

    private static void ended(Span span, Throwable failure) {
        if (failure == null) {
            span.setAttribute(HTTP_STATUS, 200L);
        } else {
            // a failed stream wraps the ApiException that carries the upstream's status
            ApiException a = failure instanceof ApiException e ? e
                    : failure.getCause() instanceof ApiException e ? e : null;
            if (a != null && a.upstreamStatus() != null) span.setAttribute(HTTP_STATUS, (long) a.upstreamStatus());
            span.setAttribute(ERROR_TYPE, a == null ? failure.getClass().getSimpleName()
                    : a.code() != null ? a.code() : a.kind().type());
            span.setStatus(StatusCode.ERROR, failure.getMessage());
        }
        span.end();
    }

    private static String host(String baseUrl) {
        if (baseUrl == null) return null;
        try {
            return URI.create(baseUrl).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String upstreamTraceparent() {
        SpanContext sc = Span.current().getSpanContext();
        if (!sc.isValid()) return null;
        return "00-" + sc.getTraceId() + "-" + sc.getSpanId() + "-" + sc.getTraceFlags().asHex();
    }

    @Override
    public void claimed(QueuedJob job, Runnable run) {
        Context parent = current();
        var builder = tracer.spanBuilder("job queue wait").setParent(parent).setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(job.enqueuedAt(), TimeUnit.MILLISECONDS)
                .setAttribute(JOB_ID, job.id())
                .setAttribute(JOB_KIND, job.kind())
                .setAttribute(JOB_ATTEMPT, (long) job.attempt());
        if (job.batchId() != null) builder.setAttribute(BATCH_ID, job.batchId());
        Span wait = builder.startSpan();
        wait.end(Math.max(job.enqueuedAt(), job.claimedAt()), TimeUnit.MILLISECONDS);
        ContextInternal vertxContext = (ContextInternal) Vertx.currentContext();
        if (vertxContext == null) {
            run.run();
            return;
        }
        // the attempt runs on a context of its own that carries the wait span, so its upstream calls join that trace
        // whether a request started the job or a free slot claimed it later
        Context jobContext = parent.with(wait);
        String requestId = RequestContext.currentRequestId();
        // duplicated from the event loop's base context: a duplicate of the request's context would share its local data
        ContextInternal own = vertxContext.unwrap().duplicate();
        own.runOnContext(v -> {
            if (requestId != null) RequestContext.bind(requestId);
            bind(jobContext);
            run.run();
        });
    }

    /** The trace context of the request (or job) being handled, or the root when there is none. */
    private static Context current() {
        if (Vertx.currentContext() instanceof ContextInternal c && c.isDuplicate()) {
            Object found = c.localContextData().get(KEY);
            if (found instanceof Context otel) return otel;
        }
        return Context.root();
    }

    private static void bind(Context otel) {
        if (Vertx.currentContext() instanceof ContextInternal c && c.isDuplicate()) c.localContextData().put(KEY, otel);
    }

    @Override
    public void close() {
        // flushes the batch processor, then shuts the exporter down
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }
}
