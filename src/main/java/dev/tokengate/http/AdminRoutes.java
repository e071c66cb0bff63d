package dev.tokengate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.accounts.AccountService;
import dev.tokengate.accounts.ApiKey;
import dev.tokengate.accounts.User;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.Callable;

/** Operator routes under /admin/v1 (admin key only): users and their API keys. */
final class AdminRoutes {
    private final Vertx vertx;
    private final AccountService accounts;

    AdminRoutes(Vertx vertx, AccountService accounts) {
        this.vertx = vertx;
        this.accounts = accounts;
    }

    void mount(Router router) {
        router.route("/admin/v1/*").handler(ctx -> Handlers.run(ctx, () -> {
            RequestAuth.requireAdmin(ctx);
            ctx.next();
        }));
        router.post("/admin/v1/users").handler(ctx -> blocking(ctx, 201, () -> user(createUser(Json.parse(Handlers.body(ctx))))));
        router.get("/admin/v1/users").handler(ctx -> blocking(ctx, 200, () -> list(accounts.listUsers().stream().map(AdminRoutes::user).toList())));
        router.get("/admin/v1/users/:id").handler(ctx -> blocking(ctx, 200, () -> user(accounts.getUser(ctx.pathParam("id")))));
        router.post("/admin/v1/users/:id/keys").handler(ctx -> blocking(ctx, 201, () -> {
            JsonNode body = Handlers.body(ctx).length == 0 ? Json.object() : Json.parse(Handlers.body(ctx));
            if (!body.isObject()) throw ApiException.invalid(null, "The request body must be a JSON object.");
            JsonNode name = body.get("name");
            if (name != null && !name.isNull() && !name.isTextual()) throw ApiException.invalid("name", "'name' must be a string.");
            var created = accounts.createKey(ctx.pathParam("id"), name == null || name.isNull() ? null : name.asText());
            ObjectNode o = key(created.key());
            o.put("key", created.secret());
            return o;
        }));
        router.get("/admin/v1/users/:id/keys").handler(ctx -> blocking(ctx, 200,
                () -> list(accounts.listKeys(ctx.pathParam("id")).stream().map(AdminRoutes::key).toList())));
        router.delete("/admin/v1/users/:id/keys/:keyId").handler(ctx -> blocking(ctx, 200,
                () -> key(accounts.revokeKey(ctx.pathParam("id"), ctx.pathParam("keyId")))));
    }

    private User createUser(JsonNode body) {
        if (!body.isObject()) throw ApiException.invalid(null, "The request body must be a JSON object.");
        JsonNode name = body.get("name");
        if (name == null || name.isNull()) throw ApiException.invalid("name", "Missing required parameter: 'name'.");
        if (!name.isTextual() || name.asText().isBlank()) throw ApiException.invalid("name", "'name' must be a non-empty string.");
        JsonNode tier = body.get("tier");
        if (tier != null && !tier.isNull() && !tier.isTextual()) throw ApiException.invalid("tier", "'tier' must be a string.");
        return accounts.createUser(name.asText(), tier == null || tier.isNull() ? null : tier.asText());
    }

    private void blocking(RoutingContext ctx, int status, Callable<JsonNode> work) {
        Future<JsonNode> f = vertx.executeBlocking(work, false);
        f.onComplete(ar -> {
            if (ar.succeeded()) Responses.json(ctx, status, ar.result());
            else Responses.error(ctx, ar.cause());
        });
    }

    private static ObjectNode list(List<ObjectNode> items) {
        ObjectNode o = Json.object();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        items.forEach(data::add);
        return o;
    }

    static ObjectNode user(User u) {
        ObjectNode o = Json.object();
        o.put("id", u.id());
        o.put("object", "user");
        o.put("name", u.name());
        o.put("tier", u.tier());
        o.put("created_at", u.createdAt().getEpochSecond());
        return o;
    }

    static ObjectNode key(ApiKey k) {
        ObjectNode o = Json.object();
        o.put("id", k.id());
        o.put("object", "api_key");
        o.put("user_id", k.userId());
        if (k.name() == null) o.putNull("name");
        else o.put("name", k.name());
        o.put("prefix", k.prefix());
        o.put("created_at", k.createdAt().getEpochSecond());
        if (k.revokedAt() == null) o.putNull("revoked_at");
        else o.put("revoked_at", k.revokedAt().getEpochSecond());
        o.put("active", k.active());
        return o;
    }
}
