package dev.tokengate.http;

import dev.tokengate.core.ApiException;
import dev.tokengate.files.FileService;
import dev.tokengate.files.FileViews;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * OpenAI's Files API under /v1/files. Uploads skip the small JSON body limit: the request waits (paused) through
 * authentication, then its multipart body streams to a temporary file under the file size limit, and the content is
 * stored in the database.
 */
final class FileRoutes {
    /** Room for the multipart framing and the small form fields around the file itself. */
    private static final long MULTIPART_ALLOWANCE = 64 * 1024;
    private static final int MAX_LIST_LIMIT = 10_000;
    private static final String DEFAULT_FILENAME = "file";

    private final FileService files;
    private final RequestAuth auth;
    private final BodyHandler uploadBody;

    FileRoutes(FileService files, RequestAuth auth, Path uploadsDir) {
        this.files = files;
        this.auth = auth;
        this.uploadBody = BodyHandler.create(uploadsDir.toString()).setBodyLimit(files.maxBytes() + MULTIPART_ALLOWANCE)
                .setDeleteUploadedFilesOnEnd(true);
    }

    /** True for the upload route, whose body the global JSON body handler must leave alone. */
    static boolean isUpload(HttpServerRequest request) {
        return request.method() == HttpMethod.POST && "/v1/files".equals(request.path());
    }

    void mount(Router router) {
        router.post("/v1/files").handler(uploadBody).handler(ctx -> Handlers.run(ctx, () -> create(ctx)))
                .failureHandler(this::uploadFailed);
        router.get("/v1/files").handler(ctx -> Handlers.run(ctx, () -> list(ctx)));
        router.get("/v1/files/:id").handler(ctx -> Handlers.run(ctx, () -> retrieve(ctx)));
        router.get("/v1/files/:id/content").handler(ctx -> Handlers.run(ctx, () -> content(ctx)));
        router.delete("/v1/files/:id").handler(ctx -> Handlers.run(ctx, () -> delete(ctx)));
    }

    private void create(RoutingContext ctx) {
        String userId = auth.user(ctx).id();
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
            throw ApiException.invalid(null, "Uploads must be multipart/form-data with the fields 'file' and 'purpose'.", "invalid_content_type");
        }
        String purpose = ctx.request().getFormAttribute("purpose");
        if (purpose == null || purpose.isBlank()) {
            throw ApiException.invalid("purpose", "Missing required parameter: 'purpose'.", "missing_required_parameter");
        }
        Long expiresAfter = expiresAfter(ctx);
        FileUpload upload = ctx.fileUploads().stream().filter(u -> u.name().equals("file")).findFirst().orElse(null);
        String filename;
        Callable<byte[]> content;
        if (upload != null) {
            if (upload.size() > files.maxBytes()) throw FileService.tooLarge(files.maxBytes());
            filename = upload.fileName() == null || upload.fileName().isBlank() ? DEFAULT_FILENAME : upload.fileName();
            Path stored = Path.of(upload.uploadedFileName());
            content = () -> Files.readAllBytes(stored);
        } else {
            // a part without a filename arrives as a form field (the SDKs send one when given bare bytes); only small
            // ones get here, as form fields are bounded by the server's form attribute limit
            String field = ctx.request().getFormAttribute("file");
            if (field == null) {
                throw ApiException.invalid("file", "Missing required parameter: 'file'.", "missing_required_parameter");
            }
            filename = DEFAULT_FILENAME;
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            content = () -> bytes;
        }
        files.upload(userId, filename, purpose, expiresAfter, content)
                .onComplete(ar -> {
                    if (ar.succeeded()) Responses.json(ctx, 200, FileViews.file(ar.result()));
                    else Responses.error(ctx, ar.cause());
                });
    }

    /** The body handler gave up on the upload: too large, or not readable as multipart. */
    private void uploadFailed(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (ctx.statusCode() == 413) {
            Responses.error(ctx, FileService.tooLarge(files.maxBytes()));
        } else if (failure instanceof ApiException || failure instanceof io.vertx.core.file.FileSystemException) {
            Responses.error(ctx, failure);
        } else {
            Responses.error(ctx, ApiException.invalid("file", "The upload could not be read as multipart/form-data. Send 'file' as a "
                    + "file part with a filename; a part without one is a form field, limited to "
                    + HttpServerOptions.DEFAULT_MAX_FORM_ATTRIBUTE_SIZE + " bytes.", "invalid_multipart"));
        }
    }

    private static Long expiresAfter(RoutingContext ctx) {
        String anchor = ctx.request().getFormAttribute("expires_after[anchor]");
        String seconds = ctx.request().getFormAttribute("expires_after[seconds]");
        if (anchor == null && seconds == null) return null;
        if (!"created_at".equals(anchor)) {
            throw ApiException.invalid("expires_after[anchor]", "'expires_after[anchor]' must be 'created_at'.", "invalid_value");
        }
        try {
            return Long.parseLong(seconds == null ? "" : seconds.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalid("expires_after[seconds]", "'expires_after[seconds]' must be an integer.", "invalid_type");
        }
    }

    private void list(RoutingContext ctx) {
        String userId = auth.user(ctx).id();
        var q = ctx.queryParams();
        int limit = Paging.limit(q.get("limit"), MAX_LIST_LIMIT, MAX_LIST_LIMIT);
        boolean ascending = Paging.ascending(q.get("order"));
        String purpose = q.get("purpose");
        files.list(userId, purpose == null || purpose.isBlank() ? null : purpose, q.get("after"), limit, ascending)
                .onComplete(ar -> {
                    if (ar.succeeded()) Responses.json(ctx, 200, FileViews.list(ar.result()));
                    else Responses.error(ctx, ar.cause());
                });
    }

    private void retrieve(RoutingContext ctx) {
        files.get(auth.user(ctx).id(), ctx.pathParam("id")).onComplete(ar -> {
            if (ar.succeeded()) Responses.json(ctx, 200, FileViews.file(ar.result()));
            else Responses.error(ctx, ar.cause());
        });
    }

    private void content(RoutingContext ctx) {
        files.content(auth.user(ctx).id(), ctx.pathParam("id")).onComplete(ar -> {
            if (ar.failed()) {
                Responses.error(ctx, ar.cause());
                return;
            }
            if (ctx.response().ended() || ctx.response().closed()) return;
            ctx.response().setStatusCode(200).putHeader("Content-Type", "application/octet-stream").end(Buffer.buffer(ar.result()));
        });
    }

    private void delete(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        files.delete(auth.user(ctx).id(), id).onComplete(ar -> {
            if (ar.succeeded()) Responses.json(ctx, 200, FileViews.deleted(id));
            else Responses.error(ctx, ar.cause());
        });
    }
}
