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
import dev.tokengate.pipeline.ModelCatalog;
import dev.tokengate.wire.openai.ChatEncoder;
import dev.tokengate.wire.openai.ChatRequestDecoder;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** The OpenAI-compatible routes: chat completions (plain and SSE) and models. */
final class OpenAiRoutes {
    private final ChatService chat;
    private final ModelCatalog catalog;
    private final Map<String, GatewayConfig.Tier> tiers;
    private final RequestAuth auth;
    private final long createdEpoch;

    OpenAiRoutes(ChatService chat, ModelCatalog catalog, Map<String, GatewayConfig.Tier> tiers, RequestAuth auth, long createdEpoch) {
        this.chat = chat;
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
        ChatRequest request = ChatRequestDecoder.decode(Json.parse(Handlers.body(ctx)));
        ctx.put(Handlers.MODEL, request.model());
        if (!request.stream()) {
            chat.complete(caller, request).onComplete(ar -> {
                if (ar.succeeded()) Responses.json(ctx, 200, ChatEncoder.responseBytes(ar.result().value()));
                else Responses.error(ctx, ar.cause());
            });
            return;
        }
        SseSink sink = new SseSink(ctx.response(), request.includeUsage());
        chat.stream(caller, request, sink).onComplete(ar -> {
            if (ar.succeeded()) {
                sink.finish();
                return;
            }
            ApiException e = Responses.toApi(ar.cause());
            if (sink.started()) sink.failMidStream(e);
            else Responses.error(ctx, e);
        });
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
