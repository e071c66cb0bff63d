package dev.tokengate.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.accounts.User;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.Json;
import dev.tokengate.pipeline.Caller;
import dev.tokengate.pipeline.ChatService;
import dev.tokengate.pipeline.ResponseCaching;
import dev.tokengate.pipeline.ModelCatalog;
import dev.tokengate.wire.openai.ChatEncoder;
import dev.tokengate.wire.openai.ChatRequestDecoder;
import dev.tokengate.wire.openai.PlainChatRequestReader;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** The OpenAI-compatible routes: chat completions (plain and SSE) and models. */
final class OpenAiRoutes {
    /** The opt-in response cache: how many seconds to keep this request's answer (and to answer it from the cache). */
    static final String CACHE_TTL_HEADER = "x-tokengate-cache-ttl";
    static final int MAX_CACHE_TTL = 86_400;

    private final ChatService chat;
    private final ResponseCaching caching;
    private final ModelCatalog catalog;
    private final Map<String, GatewayConfig.Tier> tiers;
    private final RequestAuth auth;
    private final long createdEpoch;

    OpenAiRoutes(ChatService chat, ResponseCaching caching, ModelCatalog catalog, Map<String, GatewayConfig.Tier> tiers,
                 RequestAuth auth, long createdEpoch) {
        this.chat = chat;
        this.caching = caching;
        this.catalog = catalog;
        this.tiers = tiers;
        this.auth = auth;
        this.createdEpoch = createdEpoch;
    }

    void mount(Router router) {
        router.post("/v1/chat/completions").handler(ctx -> Handlers.run(ctx, () -> chatCompletions(ctx)));
        router.get("/v1/models").handler(ctx -> Handlers.run(ctx, () -> listModels(ctx)));
        router.get("/v1/models/:model").handler(ctx -> Handlers.run(ctx, () -> getModel(ctx)));
    }

    private void chatCompletions(RoutingContext ctx) {
        Caller caller = auth.caller(ctx);
        byte[] body = Handlers.body(ctx);
        // the common shape straight from the bytes; anything else (and every error) by way of the tree, as always
        ChatRequest request = PlainChatRequestReader.read(body);
        if (request == null) request = ChatRequestDecoder.decode(Json.parse(body));
        ctx.put(Handlers.MODEL, request.model());
        int cacheTtl = cacheTtl(ctx);
        if (!request.stream()) {
            if (cacheTtl > 0) {
                caching.complete(caller, request, cacheTtl).onComplete(ar -> {
                    if (ar.succeeded()) Responses.json(ctx, 200, ChatEncoder.responseBytes(ar.result().value()));
                    else Responses.error(ctx, ar.cause());
                });
                return;
            }
            chat.relay(caller, request).onComplete(ar -> {
                if (ar.succeeded()) Responses.json(ctx, 200, ar.result().value().body());
                else Responses.error(ctx, ar.cause());
            });
            return;
        }
        SseSink sink = new SseSink(ctx.response(), request.includeUsage());
        (cacheTtl > 0 ? caching.stream(caller, request, sink, cacheTtl) : chat.stream(caller, request, sink)).onComplete(ar -> {
            if (ar.succeeded()) {
                sink.finish();
                return;
            }
            ApiException e = Responses.toApi(ar.cause());
            if (sink.started()) sink.failMidStream(e);
            else Responses.error(ctx, e);
        });
    }

    /** The TTL the client asked the response cache for, or 0 when it did not. */
    private static int cacheTtl(RoutingContext ctx) {
        String v = ctx.request().getHeader(CACHE_TTL_HEADER);
        if (v == null) return 0;
        try {
            int ttl = Integer.parseInt(v.trim());
            if (ttl >= 1 && ttl <= MAX_CACHE_TTL) return ttl;
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid(CACHE_TTL_HEADER, "Invalid '" + CACHE_TTL_HEADER + "' header: '" + v
                + "'. It must be a whole number of seconds from 1 to " + MAX_CACHE_TTL + ".", "invalid_value");
    }

    private void listModels(RoutingContext ctx) {
        User user = auth.user(ctx);
        GatewayConfig.Tier tier = tiers.get(user.tier());
        ObjectNode o = Json.object();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        for (GatewayConfig.Model m : catalog.all()) {
            if (tier != null && ModelCatalog.visibleTo(m, tier)) data.add(model(m));
        }
        Responses.json(ctx, 200, o);
    }

    private void getModel(RoutingContext ctx) {
        String id = ctx.pathParam("model");
        GatewayConfig.Tier tier = tiers.get(auth.user(ctx).tier());
        // a model the tier may not use is hidden from the list, so it is not found by id either
        GatewayConfig.Model m = catalog.find(id).filter(x -> tier != null && tier.allows(x.name()))
                .orElseThrow(() -> ApiException.modelNotFound(id));
        Responses.json(ctx, 200, model(m));
    }

    private ObjectNode model(GatewayConfig.Model m) {
        ObjectNode o = Json.object();
        o.put("id", m.name());
        o.put("object", "model");
        o.put("created", createdEpoch);
        o.put("owned_by", m.ownedBy());
        return o;
    }

}
