package dev.tokengate.http;

import dev.tokengate.cache.ImageVault;
import dev.tokengate.core.Json;
import dev.tokengate.pipeline.MediaService;
import dev.tokengate.wire.openai.MediaCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.InstantSource;

/** POST /v1/embeddings, POST /v1/images/generations, and the expiring image URLs the simulated painter hands out. */
final class MediaRoutes {
    static final String IMAGE_PATH = "/v1/images/content/";

    private final MediaService media;
    private final RequestAuth auth;
    private final ImageVault vault;
    private final InstantSource clock;

    MediaRoutes(MediaService media, RequestAuth auth, ImageVault vault, InstantSource clock) {
        this.media = media;
        this.auth = auth;
        this.vault = vault;
        this.clock = clock;
    }

    /** The image URLs carry their own unguessable token, so they are mounted before authentication. */
    void mountPublic(Router router) {
        router.get(IMAGE_PATH + ":token").handler(this::image);
    }

    void mount(Router router) {
        router.post("/v1/embeddings").handler(ctx -> Handlers.run(ctx, () -> embeddings(ctx)));
        router.post("/v1/images/generations").handler(ctx -> Handlers.run(ctx, () -> images(ctx)));
    }

    private void embeddings(RoutingContext ctx) {
        MediaCodec.EmbeddingCall call = MediaCodec.embeddingRequest(Json.parse(Handlers.body(ctx)));
        ctx.put(Handlers.MODEL, call.model());
        media.embed(auth.caller(ctx), call.model(), call.request()).onComplete(ar -> {
            if (ar.failed()) Responses.error(ctx, ar.cause());
            else Responses.json(ctx, 200, MediaCodec.embeddingResponse(call.model(), ar.result().value(), call.base64()));
        });
    }

    private void images(RoutingContext ctx) {
        MediaCodec.ImageCall call = MediaCodec.imageRequest(Json.parse(Handlers.body(ctx)));
        ctx.put(Handlers.MODEL, call.model());
        String base = Handlers.baseUrl(ctx);
        media.generate(auth.caller(ctx), call.model(), call.request()).onComplete(ar -> {
            if (ar.failed()) Responses.error(ctx, ar.cause());
            else Responses.json(ctx, 200, MediaCodec.imageResponse(clock.instant().getEpochSecond(), call.request(),
                    ar.result().value(), png -> base + IMAGE_PATH + vault.put(png) + ".png"));
        });
    }

    private void image(RoutingContext ctx) {
        String token = ctx.pathParam("token");
        if (token.endsWith(".png")) token = token.substring(0, token.length() - 4);
        byte[] png = vault.get(token);
        if (png == null) {
            Responses.error(ctx, dev.tokengate.core.ApiException.notFound("This image does not exist or its URL expired."));
            return;
        }
        ctx.response().putHeader("Content-Type", "image/png").putHeader("Cache-Control", "private, max-age=3600")
                .end(Buffer.buffer(png));
    }
}
