package dev.tokengate.http;

import dev.tokengate.accounts.User;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.Json;
import dev.tokengate.pipeline.ChatService;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ToolSpec;
import dev.tokengate.wire.anthropic.MessageEncoder;
import dev.tokengate.wire.anthropic.MessagesRequestDecoder;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Anthropic's Messages API ({@code POST /v1/messages}, plain and streamed), served from any upstream through the chat
 * pipeline, so the Anthropic SDKs can use every model. Keys come as {@code x-api-key} or {@code Authorization: Bearer}.
 */
final class AnthropicRoutes {
    private final ChatService chat;
    private final RequestAuth auth;

    AnthropicRoutes(ChatService chat, RequestAuth auth) {
        this.chat = chat;
        this.auth = auth;
    }

    void mount(Router router) {
        router.post("/v1/messages").handler(ctx -> Handlers.run(ctx, () -> messages(ctx)));
    }

    private void messages(RoutingContext ctx) {
        User user = auth.user(ctx);
        ChatRequest request = MessagesRequestDecoder.decode(Json.parse(Handlers.body(ctx)));
        ctx.put(Handlers.MODEL, request.model());
        if (!request.stream()) {
            chat.complete(user, request).onComplete(ar -> {
                if (ar.succeeded()) Responses.json(ctx, 200, MessageEncoder.message(ar.result().value()));
                else Responses.error(ctx, ar.cause());
            });
            return;
        }
        AnthropicSseSink sink = new AnthropicSseSink(ctx.response(), roughInputTokens(request));
        chat.stream(user, request, sink).onComplete(ar -> {
            if (ar.succeeded()) {
                sink.finish();
                return;
            }
            ApiException e = Responses.toApi(ar.cause());
            if (sink.started()) sink.failMidStream(e);
            else Responses.error(ctx, e);
        });
    }

    /**
     * message_start must name an input count before the upstream has reported one; about four characters a token is
     * close enough, and cheap on the event loop. The exact count follows in message_delta.
     */
    private static int roughInputTokens(ChatRequest request) {
        long chars = 0;
        for (ChatMessage m : request.messages()) chars += m.text().length() + 4;
        for (ToolSpec t : request.tools()) chars += t.name().length() + (t.parameters() == null ? 0 : t.parameters().toString().length());
        return (int) Math.min(Integer.MAX_VALUE, (chars + 3) / 4);
    }
}
