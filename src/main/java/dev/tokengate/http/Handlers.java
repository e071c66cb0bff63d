package dev.tokengate.http;

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

    static byte[] body(RoutingContext ctx) {
        Buffer b = ctx.body() == null ? null : ctx.body().buffer();
        return b == null ? EMPTY : b.getBytes();
    }
}
