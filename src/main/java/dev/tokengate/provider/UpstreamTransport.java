package dev.tokengate.provider;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP exchange every upstream adapter shares: a JSON POST on the calling loop's client with the first-byte
 * timeout, the whole body read under the idle timeout, and transport failures as {@link ApiException}s. The adapter
 * adds its own headers (authentication, API version) and maps the upstream's status and body to errors itself.
 */
public final class UpstreamTransport {
    /** Puts an adapter's own headers on each request; a method reference given once, so a request allocates none. */
    @FunctionalInterface
    public interface Headers {
        void put(HttpClientRequest request, Deployment d);
    }

    private final Vertx vertx;
    private final UpstreamClients clients;
    private final GatewayConfig.Upstream limits;
    private final Tracing tracing;
    private final Headers headers;

    public UpstreamTransport(Vertx vertx, GatewayConfig.Upstream limits, Tracing tracing, Headers headers) {
        this.vertx = vertx;
        this.limits = limits;
        this.tracing = tracing;
        this.headers = headers;
        this.clients = new UpstreamClients(vertx, limits);
    }

    /**
     * POSTs {@code body} to {@code url}; the response arrives with its headers, its body unread. No headers within the
     * first-byte timeout fails with a timeout and resets the request; a response that completes after that is reset too.
     */
    public Future<HttpClientResponse> post(Deployment d, String url, byte[] body) {
        // read now: the tracing context is current only while the provider's call starts synchronously
        String traceparent = tracing.upstreamTraceparent();
        Promise<HttpClientResponse> result = Promise.promise();
        clients.current(d.http2()).request(clients.post(url)).onComplete(ar -> {
            if (ar.failed()) {
                result.tryFail(transportError(ar.cause(), d));
                return;
            }
            var req = ar.result();
            req.putHeader("Content-Type", "application/json");
            req.putHeader("Accept", "application/json, text/event-stream");
            headers.put(req, d);
            if (traceparent != null) req.putHeader("traceparent", traceparent);
            LoopTimer timer = LoopTimer.schedule(vertx, limits.firstByteTimeoutMs(), () -> {
                if (result.tryFail(new ApiException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream " + d.id() + " sent no response within "
                        + limits.firstByteTimeoutMs() + " ms.", null, "upstream_timeout"))) {
                    req.reset();
                }
            });
            req.send(Buffer.buffer(body)).onComplete(sent -> {
                timer.cancel();
                if (sent.succeeded()) {
                    if (!result.tryComplete(sent.result())) sent.result().request().reset();
                } else {
                    result.tryFail(transportError(sent.cause(), d));
                }
            });
        });
        return result.future();
    }

    /** The whole body, failing with a timeout when the upstream goes quiet for longer than the idle timeout. */
    public Future<Buffer> readBody(HttpClientResponse resp, Deployment d) {
        Promise<Buffer> result = Promise.promise();
        Buffer acc = Buffer.buffer();
        IdleTimer idle = idleTimer(() -> {
            if (result.tryFail(quiet(d))) resp.request().reset();
        });
        result.future().onComplete(ar -> idle.stop());
        resp.handler(buf -> {
            idle.touch();
            acc.appendBuffer(buf);
        });
        resp.exceptionHandler(e -> result.tryFail(transportError(e, d)));
        resp.endHandler(v -> result.tryComplete(acc));
        return result.future();
    }

    /** A guard that runs {@code onIdle} once the upstream has sent nothing for the idle timeout. */
    public IdleTimer idleTimer(Runnable onIdle) {
        return new IdleTimer(vertx, limits.idleTimeoutMs(), onIdle);
    }

    /** The failure of a response cut by the idle timeout. */
    public ApiException quiet(Deployment d) {
        return new ApiException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream " + d.id() + " sent nothing for " + limits.idleTimeoutMs()
                + " ms; the response was cut.", null, "upstream_timeout");
    }

    /** Fails {@code done} with {@code e} and, if that settled it, resets the upstream request. */
    public static void cut(Promise<?> done, HttpClientResponse resp, ApiException e) {
        if (done.tryFail(e)) resp.request().reset();
    }

    public static ApiException transportError(Throwable e, Deployment d) {
        if (e instanceof ApiException a) return a;
        if (e instanceof ConnectException || (e.getCause() instanceof ConnectException)) {
            return new ApiException(ErrorKind.UNAVAILABLE, "Upstream " + d.id() + " is unreachable.", null, "upstream_unreachable");
        }
        if (e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout")) {
            return new ApiException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream " + d.id() + " timed out.", null, "upstream_timeout");
        }
        return new ApiException(ErrorKind.UPSTREAM_ERROR, "Upstream " + d.id() + " connection failed: " + e.getMessage(), null,
                "upstream_connection_error");
    }

    public static ApiException malformed(Deployment d, String what) {
        return new ApiException(ErrorKind.UPSTREAM_ERROR, "Upstream " + d.id() + " sent a malformed response: " + what + ".",
                null, "upstream_malformed_response");
    }

    public static ApiException truncated(Deployment d) {
        return new ApiException(ErrorKind.UPSTREAM_ERROR, "Upstream " + d.id() + " ended the stream before it finished.", null,
                "upstream_stream_truncated");
    }
}
