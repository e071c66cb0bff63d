package dev.tokengate.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Json;
import dev.tokengate.metrics.RecentRequests;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /admin/v1/requests/recent?after=&limit=} (admin key): the last requests this instance answered, newest
 * first, for the console's live request log. Poll with {@code after} set to the {@code last_id} of the previous answer.
 */
final class RecentRequestsRoutes {
    static final String PATH = "/admin/v1/requests/recent";
    private static final int DEFAULT_LIMIT = 100;

    private final RecentRequests recent;

    RecentRequestsRoutes(RecentRequests recent) {
        this.recent = recent;
    }

    void mount(Router router) {
        router.get(PATH).handler(ctx -> Handlers.run(ctx, () -> answer(ctx)));
    }

    /** The log's own polling and the console's static files would drown the requests worth seeing. */
    static boolean isConsoleTraffic(String path) {
        return path.equals(PATH) || path.equals(ConsoleRoutes.PREFIX) || path.startsWith(ConsoleRoutes.PREFIX + "/");
    }

    private void answer(RoutingContext ctx) {
        long after = longParam(ctx, "after", 0, 0, Long.MAX_VALUE);
        int limit = (int) longParam(ctx, "limit", DEFAULT_LIMIT, 1, recent.capacity());
        List<RecentRequests.Entry> entries = recent.newestAfter(after, limit);
        ObjectNode body = Json.object();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        for (RecentRequests.Entry e : entries) data.add(entry(e));
        body.put("last_id", entries.isEmpty() ? after : entries.get(0).id());
        Responses.json(ctx, 200, body);
    }

    private static ObjectNode entry(RecentRequests.Entry e) {
        ObjectNode o = Json.object();
        o.put("id", e.id());
        o.put("object", "request");
        o.put("time", Instant.ofEpochMilli(e.atMillis()).toString());
        o.put("method", e.method());
        o.put("route", e.route());
        o.put("status", e.status());
        if (e.model() == null) o.putNull("model");
        else o.put("model", e.model());
        o.put("duration_ms", Math.round(e.durationNanos() / 100_000.0) / 10.0);
        if (e.userId() == null) o.putNull("user_id");
        else o.put("user_id", e.userId());
        return o;
    }

    private static long longParam(RoutingContext ctx, String name, long fallback, long min, long max) {
        String text = ctx.queryParams().get(name);
        if (text == null) return fallback;
        long value;
        try {
            value = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, "'" + name + "' must be an integer.", "invalid_type");
        }
        if (value < min || value > max) {
            throw ApiException.invalid(name, "'" + name + "' must be between " + min + " and " + max + ".", "invalid_value");
        }
        return value;
    }
}
