package dev.tokengate.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console at /console: the files {@code npm run build} wrote into the classpath folder {@code console/} (see
 * console/README.md). No authentication here; the page calls the API with the key its user logs in with. Any path
 * without a file extension gets index.html, so the console's own views can be linked to.
 */
final class ConsoleRoutes {
    static final String PREFIX = "/console";
    private static final String ROOT = "console/";
    private static final String INDEX = "index.html";
    private static final Pattern SAFE_PATH = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("webp", "image/webp"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("txt", "text/plain; charset=utf-8"));
    // the page loads only its own files and talks only to this origin
    private static final String CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private final Vertx vertx;
    /** Files found so far; the built console is a handful of small files, and misses are not kept. */
    private final Map<String, Buffer> files = new ConcurrentHashMap<>();

    ConsoleRoutes(Vertx vertx) {
        this.vertx = vertx;
    }

    void mount(Router router) {
        // this route also matches "/console/", which must go on to the files
        router.get(PREFIX).handler(ctx -> {
            if (ctx.request().path().equals(PREFIX)) ctx.response().setStatusCode(301).putHeader("Location", PREFIX + "/").end();
            else ctx.next();
        });
        router.get(PREFIX + "/*").handler(this::serve);
    }

    private void serve(RoutingContext ctx) {
        String relative = ctx.normalizedPath().substring(PREFIX.length() + 1);
        if (relative.isEmpty() || !hasExtension(relative)) relative = INDEX;
        if (!SAFE_PATH.matcher(relative).matches()) {
            ctx.fail(404);
            return;
        }
        String file = relative;
        Buffer cached = files.get(file);
        if (cached != null) {
            send(ctx, file, cached);
            return;
        }
        vertx.executeBlocking(() -> load(file), false).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result().isEmpty()) {
                ctx.fail(404);
            } else {
                files.put(file, ar.result().get());
                send(ctx, file, ar.result().get());
            }
        });
    }

    private static Optional<Buffer> load(String file) {
        try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(ROOT + file)) {
            return in == null ? Optional.empty() : Optional.of(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(RoutingContext ctx, String file, Buffer content) {
        var r = ctx.response();
        r.putHeader("Content-Type", TYPES.getOrDefault(extension(file), "application/octet-stream"));
        r.putHeader("X-Content-Type-Options", "nosniff");
        r.putHeader("Referrer-Policy", "no-referrer");
        // built assets carry a content hash in their name; index.html must be checked each time to pick up new ones
        r.putHeader("Cache-Control", file.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
        if (file.equals(INDEX)) r.putHeader("Content-Security-Policy", CSP);
        r.end(content);
    }

    private static boolean hasExtension(String path) {
        return !extension(path).isEmpty();
    }

    private static String extension(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
