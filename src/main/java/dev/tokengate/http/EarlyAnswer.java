package dev.tokengate.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * For a request whose body is read late (uploads wait paused through authentication): when it is answered before its
 * body was read (a refused key, a file too large, an unreadable form), the connection cannot carry another request.
 * The answer says {@code Connection: close}; the rest of the body is read and dropped before the connection closes,
 * because closing a socket with unread bytes resets it and the client may lose the answer. A body declared larger than
 * {@link #MAX_DRAIN_BYTES} is not worth reading: that connection closes at once.
 */
final class EarlyAnswer {
    static final long MAX_DRAIN_BYTES = 4L << 20;

    private EarlyAnswer() {}

    static void guard(RoutingContext ctx) {
        // a body that fails to decode is also reported to the response; the body handler already fails the route for
        // it, but with no handler here Vert.x drops the connection before the 400 is written
        ctx.response().exceptionHandler(e -> { });
        ctx.addHeadersEndHandler(v -> {
            if (!ctx.request().isEnded()) ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        });
        ctx.addEndHandler(v -> drainThenClose(ctx.request()));
    }

    private static void drainThenClose(HttpServerRequest request) {
        if (request.isEnded()) return;
        if (declaredLength(request) > MAX_DRAIN_BYTES) {
            request.connection().close();
            return;
        }
        request.handler(ignored -> { })
                .exceptionHandler(e -> request.connection().close())
                .endHandler(e -> request.connection().close())
                .resume();
    }

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        try {
            return length == null ? Long.MAX_VALUE : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
