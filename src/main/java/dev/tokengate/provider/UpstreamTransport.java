package dev.tokengate.provider;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Deadline;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.StreamSink;
import dev.tokengate.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP exchange every upstream adapter shares: a JSON POST on the calling loop's client with the first-byte
 * timeout, the whole body read under the idle timeout, and transport failures as {@link ApiException}s. When the
 * request has a client deadline ({@link AttemptDeadline}), the wait for the response headers (and, for a plain
 * exchange, for the whole body) also ends at it, with {@link Deadline#exceeded()}. The adapter
 * adds its own headers (authentication, API version) and maps the upstream's status and body to errors itself.
 */
public final class UpstreamTransport {
    /** Puts an adapter's own headers on each request; a method reference given once, so a request allocates none. */
    @FunctionalInterface
    public interface Headers {
        void put(HttpClientRequest request, Deployment d);
    }

    // as Netty's AsciiString: copied to the wire as bytes, where a String is written one character at a time
    private static final CharSequence CONTENT_TYPE = HttpHeaders.CONTENT_TYPE;
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence ACCEPT = HttpHeaders.ACCEPT;
    private static final CharSequence JSON_OR_EVENTS = HttpHeaders.createOptimized("application/json, text/event-stream");

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
        // read now: the tracing context and the deadline are current only while the provider's call starts synchronously
        String traceparent = tracing.upstreamTraceparent();
        Deadline deadline = AttemptDeadline.current();
        Promise<HttpClientResponse> result = Promise.promise();
        clients.current(d.http2()).request(clients.post(url)).onComplete(ar -> {
            if (ar.failed()) {
                result.tryFail(noConnection(ar.cause(), d));
                return;
            }
            var req = ar.result();
            putHeaders(req, d, traceparent);
            // the client's deadline, when it comes first, cuts the wait for the headers instead
            long left = deadline == null ? Long.MAX_VALUE : deadline.remainingMillis();
            boolean byDeadline = left < limits.firstByteTimeoutMs();
            LoopTimer timer = LoopTimer.schedule(vertx, byDeadline ? left : limits.firstByteTimeoutMs(), () -> {
                if (result.tryFail(byDeadline ? deadline.exceeded() : firstByteTimeout(d))) req.reset();
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

    /**
     * A body as it arrives: most answers come in one piece, which is kept as it is (Vert.x already copied it out of
     * the connection's buffer); only a second piece starts a buffer that gathers them.
     */
    private static final class BodyParts {
        private Buffer first;
        private Buffer gathered;

        void add(Buffer part) {
            if (gathered != null) gathered.appendBuffer(part);
            else if (first == null) first = part;
            else gathered = Buffer.buffer(first.length() + part.length() * 2).appendBuffer(first).appendBuffer(part);
        }

        Buffer whole() {
            return gathered != null ? gathered : first != null ? first : Buffer.buffer();
        }
    }

    /** A whole answer: the response (status and headers) with its body read. */
    public record Answer(HttpClientResponse response, Buffer body) {}

    /**
     * As {@link #post} followed by {@link #readBody}, for a plain answer, with the same first-byte and idle timeouts
     * kept by one timer instead of two: armed once when the request starts, cancelled once when the body has ended
     * (a slow call re-arms it for what remains).
     */
    public Future<Answer> exchange(Deployment d, String url, byte[] body) {
        String traceparent = tracing.upstreamTraceparent();
        Deadline deadline = AttemptDeadline.current();
        Promise<Answer> result = Promise.promise();
        clients.current(d.http2()).request(clients.post(url)).onComplete(ar -> {
            if (ar.failed()) {
                result.tryFail(noConnection(ar.cause(), d));
                return;
            }
            HttpClientRequest req = ar.result();
            putHeaders(req, d, traceparent);
            ExchangeTimer timer = new ExchangeTimer(d, result, req, deadline);
            req.send(Buffer.buffer(body)).onComplete(sent -> {
                if (sent.failed()) {
                    timer.stop();
                    result.tryFail(transportError(sent.cause(), d));
                    return;
                }
                HttpClientResponse resp = sent.result();
                if (result.future().isComplete()) {
                    resp.request().reset();
                    return;
                }
                timer.headersArrived();
                BodyParts parts = new BodyParts();
                resp.handler(buf -> {
                    timer.touch();
                    parts.add(buf);
                });
                resp.exceptionHandler(e -> {
                    timer.stop();
                    result.tryFail(transportError(e, d));
                });
                resp.endHandler(v -> {
                    timer.stop();
                    result.tryComplete(new Answer(resp, parts.whole()));
                });
            });
        });
        return result.future();
    }

    /**
     * The first-byte timeout until the response headers, then the idle timeout while the body arrives; and the client's
     * deadline, if any, over both (the client sees nothing of a plain answer until its body has ended).
     */
    private final class ExchangeTimer {
        private final Deployment d;
        private final Promise<?> result;
        private final HttpClientRequest req;
        private final Deadline deadline;
        private final long startNanos = System.nanoTime();
        private final long firstByteNanos = TimeUnit.MILLISECONDS.toNanos(limits.firstByteTimeoutMs());
        private final long idleNanos = TimeUnit.MILLISECONDS.toNanos(limits.idleTimeoutMs());
        private volatile boolean body;
        private volatile boolean stopped;
        private volatile long lastDataNanos;
        private volatile LoopTimer timer;

        ExchangeTimer(Deployment d, Promise<?> result, HttpClientRequest req, Deadline deadline) {
            this.d = d;
            this.result = result;
            this.req = req;
            this.deadline = deadline;
            // the earlier of the two: once the headers are in, the idle timeout may end sooner than the first-byte one
            long first = Math.min(limits.firstByteTimeoutMs(), limits.idleTimeoutMs());
            arm(deadline == null ? first : Math.min(first, deadline.remainingMillis()));
        }

        void headersArrived() {
            lastDataNanos = System.nanoTime();
            body = true;
        }

        void touch() {
            lastDataNanos = System.nanoTime();
        }

        void stop() {
            stopped = true;
            LoopTimer t = timer;
            if (t != null) t.cancel();
        }

        private void arm(long delayMs) {
            timer = LoopTimer.schedule(vertx, delayMs, this::check);
        }

        private void check() {
            if (stopped) return;
            long now = System.nanoTime();
            long left = body ? idleNanos - (now - lastDataNanos) : firstByteNanos - (now - startNanos);
            boolean byDeadline = false;
            if (deadline != null && deadline.atNanos() - now < left) {
                left = deadline.atNanos() - now;
                byDeadline = true;
            }
            if (left > 0) {
                arm(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                return;
            }
            stopped = true;
            ApiException e = byDeadline ? deadline.exceeded() : body ? quiet(d) : firstByteTimeout(d);
            if (result.tryFail(e)) req.reset();
        }
    }

    private ApiException firstByteTimeout(Deployment d) {
        return new ApiException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream " + d.id() + " sent no response within "
                + limits.firstByteTimeoutMs() + " ms.", null, "upstream_timeout");
    }

    private void putHeaders(HttpClientRequest req, Deployment d, String traceparent) {
        // a new request has no headers yet: added, not put (a put first looks for the name to remove it)
        req.headers().add(CONTENT_TYPE, APPLICATION_JSON).add(ACCEPT, JSON_OR_EVENTS);
        headers.put(req, d);
        if (traceparent != null) req.putHeader("traceparent", traceparent);
    }

    /** The whole body, failing with a timeout when the upstream goes quiet for longer than the idle timeout. */
    public Future<Buffer> readBody(HttpClientResponse resp, Deployment d) {
        Promise<Buffer> result = Promise.promise();
        BodyParts parts = new BodyParts();
        IdleTimer idle = idleTimer(() -> {
            if (result.tryFail(quiet(d))) resp.request().reset();
        });
        result.future().onComplete(ar -> idle.stop());
        resp.handler(buf -> {
            idle.touch();
            parts.add(buf);
        });
        resp.exceptionHandler(e -> result.tryFail(transportError(e, d)));
        resp.endHandler(v -> result.tryComplete(parts.whole()));
        return result.future();
    }

    /**
     * Reads a streamed body: each read goes to {@code onData} (which parses it and hands the events to {@code sink})
     * under the idle timeout; while the client's write queue is full the upstream is held back ({@link ClientPace})
     * until the client drains; a client that goes away, held back or not, completes {@code done} and resets the
     * upstream request. A transport failure fails {@code done}. The caller sets the end handler.
     */
    public void readStream(HttpClientResponse resp, Deployment d, Promise<Void> done, StreamSink sink, Handler<Buffer> onData) {
        IdleTimer idle = idleTimer(() -> cut(done, resp, quiet(d)));
        done.future().onComplete(ar -> idle.stop());
        ClientPace pace = new ClientPace(resp, idle, sink);
        sink.whenCancelled(() -> {
            if (done.tryComplete()) resp.request().reset();
        });
        resp.handler(buf -> {
            idle.touch();
            onData.handle(buf);
            if (!done.future().isComplete()) pace.holdIfFull();
        });
        resp.exceptionHandler(e -> done.tryFail(transportError(e, d)));
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

    /**
     * Why a call got no connection: the request's connect timeout ({@link UpstreamClients#post}) covers both opening a
     * connection and waiting for a pooled one, so its timeout names both causes.
     */
    private static ApiException noConnection(Throwable e, Deployment d) {
        if (e instanceof TimeoutException) {
            return new ApiException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream " + d.id() + " gave no connection within"
                    + " upstream.connect_timeout_ms: every connection to it is busy (upstream.max_connections) or it is"
                    + " slow to accept.", null, "upstream_timeout");
        }
        return transportError(e, d);
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
