package dev.tokengate.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** GET /openapi.json (the hand-written OpenAPI 3.1 document) and GET /docs (a page that renders it). No key needed. */
final class ApiDocsRoutes {
    private static final Buffer OPENAPI = resource("/openapi.json");
    private static final Buffer DOCS_PAGE = resource("/docs.html");

    private ApiDocsRoutes() {}

    static void mount(Router router) {
        router.get("/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-cache").end(OPENAPI));
        router.get("/docs").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-cache").end(DOCS_PAGE));
    }

    private static Buffer resource(String name) {
        try (InputStream in = ApiDocsRoutes.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
