package dev.tokengate.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.accounts.User;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Deadline;
import dev.tokengate.core.Json;
import dev.tokengate.pipeline.Caller;
import dev.tokengate.pipeline.ChatService;
import dev.tokengate.responses.ResponseService;
import dev.tokengate.wire.openai.ResponseEncoder;
import dev.tokengate.wire.openai.ResponseStreamTranslator;
import dev.tokengate.wire.openai.ResponsesRequest;
import dev.tokengate.wire.openai.ResponsesRequestDecoder;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The OpenAI Responses API: create (plain and SSE) from any chat upstream, and the stored responses of the caller
 * (retrieve, delete, input items, continuing with {@code previous_response_id}).
 */
final class ResponseRoutes {
    private final ChatService chat;
    private final ResponseService responses;
    private final RequestAuth auth;

    ResponseRoutes(ChatService chat, ResponseService responses, RequestAuth auth) {
        this.chat = chat;
        this.responses = responses;
        this.auth = auth;
    }

    void mount(Router router) {
        router.post("/v1/responses").handler(ctx -> Handlers.run(ctx, () -> create(ctx)));
        router.get("/v1/responses/:id").handler(ctx -> Handlers.run(ctx, () -> retrieve(ctx)));
        router.delete("/v1/responses/:id").handler(ctx -> Handlers.run(ctx, () -> delete(ctx)));
        router.get("/v1/responses/:id/input_items").handler(ctx -> Handlers.run(ctx, () -> inputItems(ctx)));
    }

    private void create(RoutingContext ctx) {
        User user = auth.user(ctx);
        Deadline deadline = RequestDeadline.of(ctx.request());
        ResponsesRequest decoded = ResponsesRequestDecoder.decode(Json.parse(Handlers.body(ctx)), responses.ids());
        ctx.put(Handlers.MODEL, decoded.chat().model());
        Caller caller = Caller.background(user, null).withDeadline(deadline);
        responses.continued(user, decoded).onComplete(ar -> {
            if (ar.failed()) Responses.error(ctx, ar.cause());
            else if (ar.result().stream()) Handlers.run(ctx, () -> stream(ctx, caller, ar.result()));
            else Handlers.run(ctx, () -> complete(ctx, caller, ar.result()));
        });
    }

    private void complete(RoutingContext ctx, Caller caller, ResponsesRequest request) {
        User user = caller.user();
        String id = responses.ids().next("resp_");
        long createdAt = responses.now();
        chat.complete(caller, request.chat())
                .map(served -> ResponseEncoder.response(request.settings(),
                        ResponseEncoder.finished(served.value(), id, createdAt, responses.now(), responses.ids())))
                .compose(response -> responses.save(user, request, response).map(response))
                .onComplete(ar -> {
                    if (ar.succeeded()) Responses.json(ctx, 200, ar.result());
                    else Responses.error(ctx, ar.cause());
                });
    }

    private void stream(RoutingContext ctx, Caller caller, ResponsesRequest request) {
        User user = caller.user();
        ResponseStreamTranslator translator = new ResponseStreamTranslator(request.settings(), responses.ids().next("resp_"),
                responses.now(), responses.ids());
        ResponseEventSink sink = new ResponseEventSink(ctx.response(), translator);
        chat.stream(caller, request.chat(), sink).onComplete(ar -> {
            if (ar.failed()) {
                failStream(ctx, sink, Responses.toApi(ar.cause()));
                return;
            }
            // a client that went away got a cut-short answer: it is not stored as if it had completed
            if (sink.cancelled()) return;
            List<ObjectNode> closing = translator.complete(responses.now());
            // stored before response.completed goes out, so a client may fetch it as soon as it sees the event
            responses.save(user, request, translator.finalResponse()).onComplete(saved -> {
                if (saved.succeeded()) sink.end(closing);
                else failStream(ctx, sink, Responses.toApi(saved.cause()));
            });
        });
    }

    private static void failStream(RoutingContext ctx, ResponseEventSink sink, ApiException e) {
        if (sink.started()) sink.fail(e);
        else Responses.error(ctx, e);
    }

    private void retrieve(RoutingContext ctx) {
        User user = auth.user(ctx);
        if ("true".equals(ctx.request().getParam("stream"))) {
            throw ApiException.invalid("stream", "Streaming a stored response is not supported by this gateway; retrieve it without 'stream'.",
                    "unsupported_value");
        }
        responses.retrieve(user, ctx.pathParam("id")).onComplete(ar -> {
            if (ar.succeeded()) Responses.json(ctx, 200, ar.result());
            else Responses.error(ctx, ar.cause());
        });
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        responses.delete(auth.user(ctx), id).onComplete(ar -> {
            if (ar.succeeded()) Responses.json(ctx, 200, ResponseEncoder.deleted(id));
            else Responses.error(ctx, ar.cause());
        });
    }

    private void inputItems(RoutingContext ctx) {
        User user = auth.user(ctx);
        int limit = limit(ctx.request().getParam("limit"));
        boolean ascending = ascending(ctx.request().getParam("order"));
        String after = ctx.request().getParam("after");
        responses.inputItems(user, ctx.pathParam("id")).onComplete(ar -> {
            if (ar.failed()) {
                Responses.error(ctx, ar.cause());
                return;
            }
            List<ObjectNode> ordered = new ArrayList<>(ar.result());
            if (!ascending) Collections.reverse(ordered);
            int from = 0;
            if (after != null) {
                from = ordered.size();
                for (int i = 0; i < ordered.size(); i++) if (ordered.get(i).path("id").asText().equals(after)) from = i + 1;
            }
            int to = Math.min(ordered.size(), from + limit);
            Responses.json(ctx, 200, ResponseEncoder.itemList(ordered.subList(from, to), to < ordered.size()));
        });
    }

    private static int limit(String text) {
        if (text == null) return 20;
        try {
            int limit = Integer.parseInt(text.strip());
            if (limit >= 1 && limit <= 100) return limit;
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        throw ApiException.invalid("limit", "Invalid 'limit': expected an integer between 1 and 100, got '" + text + "'.", "invalid_value");
    }

    /** Newest first unless {@code order=asc}, as OpenAI lists input items. */
    private static boolean ascending(String order) {
        if (order == null || order.equals("desc")) return false;
        if (order.equals("asc")) return true;
        throw ApiException.invalid("order", "Invalid 'order': '" + order + "'. Supported values are: 'asc' and 'desc'.", "invalid_value");
    }
}
