package dev.tokengate.http;

import dev.tokengate.core.ApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** Shared handler plumbing: synchronous exceptions become error responses in the route's family. */
final class Handlers {
    static final String MODEL = "tokengate.model";
    private static final byte[] EMPTY = new byte[0];

    private Handlers() {}

    static void run(RoutingContext ctx, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException e) {
            Responses.error(ctx, e);
        }
    }

    /** The JSON body's bytes. A multipart form is refused: the body handler keeps no bytes of it, so it would read as empty. */
    static byte[] body(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type != null && type.regionMatches(true, 0, "multipart/", 0, 10)) {
            throw ApiException.invalid(null, "The request body must be JSON (Content-Type: application/json), not a multipart form.",
                    "unsupported_content_type");
        }
        Buffer b = ctx.body() == null ? null : ctx.body().buffer();
        return b == null ? EMPTY : b.getBytes();
    }

    /** The gateway's own base URL as the client reached it (the Host header when plausible, else the local address). */
    static String baseUrl(RoutingContext ctx) {
        String host = ctx.request().getHeader("Host");
        if (host == null || !host.matches("[A-Za-z0-9.:\\[\\]-]+")) host = ctx.request().localAddress().host() + ":" + ctx.request().localAddress().port();
        return ctx.request().scheme() + "://" + host;
    }
}
