package dev.tokengate.logging;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * The request id of the request being handled, so that any log line written while handling it carries the id.
 * Vert.x runs each HTTP request on its own duplicated context, which follows the request through callbacks and
 * blocking work; the id lives in that context's local data, never in a thread-local (an event loop serves many
 * requests at once).
 */
public final class RequestContext {
    private static final Object KEY = new Object();

    private RequestContext() {}

    public static void bind(String requestId) {
        ContextInternal c = requestContext();
        if (c != null) c.localContextData().put(KEY, requestId);
    }

    public static String currentRequestId() {
        ContextInternal c = requestContext();
        return c == null ? null : (String) c.localContextData().get(KEY);
    }

    private static ContextInternal requestContext() {
        Context c = Vertx.currentContext();
        // only a duplicated context belongs to one request; the base context is shared by everything on the loop
        return c instanceof ContextInternal ci && ci.isDuplicate() ? ci : null;
    }
}
