package dev.tokengate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.accounts.AccountService;
import dev.tokengate.billing.Account;
import dev.tokengate.billing.Balances;
import dev.tokengate.billing.LedgerEntry;
import dev.tokengate.billing.Money;
import dev.tokengate.billing.UsageQuery;
import dev.tokengate.billing.UsageRecord;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;

/**
 * Balances and usage: the operator's routes under /admin/v1/users/{id}/balance and /usage (admin key only), and each
 * user's own view at /v1/balance and /v1/usage. Documented in docs/ACCOUNTS.md.
 */
final class BillingRoutes {
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;
    private static final int MAX_REASON = 500;

    private final Vertx vertx;
    private final Balances balances;
    private final AccountService accounts;
    private final RequestAuth auth;

    BillingRoutes(Vertx vertx, Balances balances, AccountService accounts, RequestAuth auth) {
        this.vertx = vertx;
        this.balances = balances;
        this.accounts = accounts;
        this.auth = auth;
    }

    void mount(Router router) {
        router.post("/admin/v1/users/:id/balance/topup").handler(ctx -> run(ctx, () -> {
            JsonNode body = object(ctx);
            long amount = money(body, "amount");
            if (amount <= 0) throw ApiException.invalid(givenField(body, "amount"), "The top-up amount must be positive.");
            return credit(ctx, amount, LedgerEntry.Kind.TOPUP, reason(body, false));
        }));
        router.post("/admin/v1/users/:id/balance/adjust").handler(ctx -> run(ctx, () -> {
            JsonNode body = object(ctx);
            long delta = money(body, "delta");
            if (delta == 0) throw ApiException.invalid(givenField(body, "delta"), "The adjustment must not be zero.");
            return credit(ctx, delta, LedgerEntry.Kind.ADJUSTMENT, reason(body, true));
        }));
        router.get("/admin/v1/users/:id/balance").handler(ctx -> run(ctx,
                () -> existingUser(ctx).compose(balances::account).map(BillingRoutes::account)));
        router.get("/admin/v1/users/:id/balance/entries").handler(ctx -> run(ctx, () -> {
            int limit = limit(ctx);
            String after = ctx.request().getParam("after");
            return existingUser(ctx).compose(id -> balances.entries(id, after, limit + 1))
                    .map(list -> page(list, limit, BillingRoutes::entry, LedgerEntry::id));
        }));
        router.get("/admin/v1/users/:id/usage").handler(ctx -> run(ctx, () -> {
            UsageQuery q = usageQuery(ctx, ctx.pathParam("id"));
            return existingUser(ctx).compose(id -> usagePage(q));
        }));
        router.get("/v1/balance").handler(ctx -> run(ctx, () -> balances.account(auth.user(ctx).id()).map(BillingRoutes::account)));
        router.get("/v1/usage").handler(ctx -> run(ctx, () -> usagePage(usageQuery(ctx, auth.user(ctx).id()))));
    }

    private void run(RoutingContext ctx, java.util.function.Supplier<Future<? extends JsonNode>> work) {
        Handlers.run(ctx, () -> {
            if (balances == null) {
                throw new ApiException(ErrorKind.NOT_FOUND, "Balances are disabled on this gateway (billing.enabled is false).",
                        null, "billing_disabled");
            }
            work.get().onComplete(ar -> {
                if (ar.succeeded()) Responses.json(ctx, 200, ar.result());
                else Responses.error(ctx, ar.cause());
            });
        });
    }

    private Future<String> existingUser(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        return vertx.executeBlocking(() -> accounts.getUser(id).id(), false);
    }

    private Future<ObjectNode> credit(RoutingContext ctx, long delta, LedgerEntry.Kind kind, String reason) {
        return existingUser(ctx).compose(id -> balances.credit(id, delta, kind, reason)
                .compose(e -> balances.account(id).map(a -> entry(e).set("balance", account(a)))));
    }

    private Future<ObjectNode> usagePage(UsageQuery q) {
        int limit = q.limit();
        UsageQuery oneMore = new UsageQuery(q.userId(), q.fromMs(), q.toMs(), q.model(), q.afterId(), limit + 1);
        return balances.usage(oneMore).map(list -> page(list, limit, BillingRoutes::usage, UsageRecord::id));
    }

    private static JsonNode object(RoutingContext ctx) {
        JsonNode body = Json.parse(Handlers.body(ctx));
        if (!body.isObject()) throw ApiException.invalid(null, "The request body must be a JSON object.");
        return body;
    }

    /** Exactly one of {@code NAME_usd} (a decimal string or number) and {@code NAME_micros} (an integer). */
    static long money(JsonNode body, String name) {
        JsonNode usd = body.get(name + "_usd");
        JsonNode micros = body.get(name + "_micros");
        boolean hasUsd = usd != null && !usd.isNull();
        boolean hasMicros = micros != null && !micros.isNull();
        if (hasUsd == hasMicros) {
            String hint = body.has(name) ? " ('" + name + "' alone is ambiguous: say which unit)" : "";
            throw ApiException.invalid(name + "_usd", "Give exactly one of '" + name + "_usd' (dollars, e.g. \"10.50\") and '"
                    + name + "_micros' (integer micro-dollars)" + hint + ".");
        }
        if (hasMicros) {
            if (!micros.isIntegralNumber() || !micros.canConvertToLong()) {
                throw ApiException.invalid(name + "_micros", "'" + name + "_micros' must be an integer number of micro-dollars.");
            }
            return micros.asLong();
        }
        if (!usd.isNumber() && !usd.isTextual()) {
            throw ApiException.invalid(name + "_usd", "'" + name + "_usd' must be a decimal number of dollars, e.g. \"10.50\".");
        }
        try {
            return Money.parseUsd(usd.asText());
        } catch (NumberFormatException | ArithmeticException e) {
            throw ApiException.invalid(name + "_usd", "'" + name + "_usd' must be dollars with at most 6 decimals, got '"
                    + usd.asText() + "'.");
        }
    }

    /** Which of NAME_usd and NAME_micros the body used, to name it in an error. */
    private static String givenField(JsonNode body, String name) {
        return body.hasNonNull(name + "_micros") ? name + "_micros" : name + "_usd";
    }

    private static String reason(JsonNode body, boolean required) {
        JsonNode r = body.get("reason");
        if (r == null || r.isNull()) {
            if (required) throw ApiException.invalid("reason", "Missing required parameter: 'reason' (why the balance is adjusted).");
            return null;
        }
        if (!r.isTextual() || (required && r.asText().isBlank())) throw ApiException.invalid("reason", "'reason' must be a non-empty string.");
        if (r.asText().length() > MAX_REASON) throw ApiException.invalid("reason", "'reason' must be at most " + MAX_REASON + " characters.");
        return r.asText();
    }

    private static UsageQuery usageQuery(RoutingContext ctx, String userId) {
        Long from = time(ctx, "from");
        Long to = time(ctx, "to");
        if (from != null && to != null && from >= to) throw ApiException.invalid("from", "'from' must be before 'to'.");
        String model = ctx.request().getParam("model");
        return new UsageQuery(userId, from, to, model == null || model.isBlank() ? null : model, ctx.request().getParam("after"), limit(ctx));
    }

    /** A time given as Unix seconds or an ISO-8601 instant, as epoch milliseconds. */
    private static Long time(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        if (v == null || v.isBlank()) return null;
        try {
            return Math.multiplyExact(Long.parseLong(v.strip()), 1000L);
        } catch (NumberFormatException | ArithmeticException notSeconds) {
            try {
                return Instant.parse(v.strip()).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw ApiException.invalid(name, "'" + name + "' must be Unix seconds or an ISO-8601 time such as "
                        + "2026-01-31T00:00:00Z, got '" + v + "'.");
            }
        }
    }

    private static int limit(RoutingContext ctx) {
        String v = ctx.request().getParam("limit");
        if (v == null || v.isBlank()) return DEFAULT_PAGE;
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 1 && n <= MAX_PAGE) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.invalid("limit", "'limit' must be an integer from 1 to " + MAX_PAGE + ", got '" + v + "'.");
    }

    /** An OpenAI-style list page; {@code rows} holds one more than {@code limit} when there is a next page. */
    private static <T> ObjectNode page(List<T> rows, int limit, Function<T, ObjectNode> view, Function<T, String> id) {
        List<T> shown = rows.size() > limit ? rows.subList(0, limit) : rows;
        ObjectNode o = Json.object();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        shown.forEach(r -> data.add(view.apply(r)));
        if (shown.isEmpty()) {
            o.putNull("first_id");
            o.putNull("last_id");
        } else {
            o.put("first_id", id.apply(shown.get(0)));
            o.put("last_id", id.apply(shown.get(shown.size() - 1)));
        }
        o.put("has_more", rows.size() > limit);
        return o;
    }

    static ObjectNode account(Account a) {
        ObjectNode o = Json.object();
        o.put("object", "balance");
        o.put("user_id", a.userId());
        o.put("unlimited", a.unlimited());
        o.put("balance_micros", a.balanceMicros());
        o.put("reserved_micros", a.reservedMicros());
        o.put("available_micros", a.availableMicros());
        o.put("balance_usd", Money.usd(a.balanceMicros()));
        o.put("available_usd", Money.usd(a.availableMicros()));
        return o;
    }

    static ObjectNode entry(LedgerEntry e) {
        ObjectNode o = Json.object();
        o.put("object", "balance_entry");
        o.put("id", e.id());
        o.put("user_id", e.userId());
        o.put("kind", e.kind().wire());
        o.put("amount_micros", e.amountMicros());
        o.put("amount_usd", Money.usd(e.amountMicros()));
        o.put("balance_after_micros", e.balanceAfterMicros());
        if (e.reason() == null) o.putNull("reason");
        else o.put("reason", e.reason());
        o.put("created_at", e.createdAt() / 1000);
        return o;
    }

    static ObjectNode usage(UsageRecord u) {
        ObjectNode o = Json.object();
        o.put("object", "usage_record");
        o.put("id", u.id());
        o.put("request_id", u.requestId());
        o.put("user_id", u.userId());
        o.put("key_id", u.keyId());
        o.put("model", u.model());
        o.put("deployment", u.deployment());
        o.put("prompt_tokens", u.promptTokens());
        o.put("completion_tokens", u.completionTokens());
        o.put("cached_tokens", u.cachedTokens());
        o.put("total_tokens", u.promptTokens() + u.completionTokens());
        o.put("cost_micros", u.costMicros());
        o.put("charged_micros", u.chargedMicros());
        o.put("charged_usd", Money.usd(u.chargedMicros()));
        o.put("latency_ms", u.latencyMs());
        o.put("status", u.status());
        o.put("cache_hit", u.cacheHit());
        o.put("stream", u.stream());
        o.put("created_at", u.createdAt() / 1000);
        return o;
    }
}
