package dev.tokengate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import dev.tokengate.wire.anthropic.AnthropicErrors;
import dev.tokengate.wire.openai.ChatEncoder;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes JSON bodies, and the one place where an error becomes a status code and a body for each API family. */
public final class Responses {
    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);

    private Responses() {}

    public static void json(RoutingContext ctx, int status, JsonNode body) {
        json(ctx, status, Json.bytes(body));
    }

    private static final CharSequence CONTENT_TYPE = io.vertx.core.http.HttpHeaders.CONTENT_TYPE;
    private static final CharSequence CONTENT_LENGTH = io.vertx.core.http.HttpHeaders.CONTENT_LENGTH;
    private static final CharSequence APPLICATION_JSON = io.vertx.core.http.HttpHeaders.createOptimized("application/json");

    public static void json(RoutingContext ctx, int status, byte[] body) {
        HttpServerResponse r = ctx.response();
        if (r.ended() || r.closed()) return;
        // 200 is every response's status until set (setting it looks the status up again); the length as bytes, which
        // Vert.x would otherwise add as a String, written to the connection one character at a time
        if (status != r.getStatusCode()) r.setStatusCode(status);
        // added, not put (a put removes first, a walk of the header map that showed in profiles): only a JSON body ends
        // a response with these two, and an event stream that set its own Content-Type never ends here (a failure
        // after its head went out resets the stream instead)
        MultiMap headers = r.headers();
        headers.add(CONTENT_TYPE, APPLICATION_JSON).add(CONTENT_LENGTH, new AsciiString(Integer.toString(body.length)));
        // wrapped, not copied: the array is this response's own
        r.end(BufferInternal.buffer(Unpooled.wrappedBuffer(body)));
    }

    public static void error(RoutingContext ctx, Throwable failure) {
        ApiException e = toApi(failure);
        HttpServerResponse r = ctx.response();
        if (r.ended() || r.closed()) return;
        if (r.headWritten()) {
            r.reset();
            return;
        }
        if (e.retryAfterSeconds() != null) r.putHeader("Retry-After", String.valueOf(e.retryAfterSeconds()));
        if (e.kind() == ErrorKind.INVALID_REQUEST || e.kind() == ErrorKind.AUTHENTICATION || e.kind() == ErrorKind.NOT_FOUND
                || e.kind() == ErrorKind.INSUFFICIENT_BALANCE) {
            r.putHeader("x-should-retry", "false");
        }
        ApiFamily family = ApiFamily.of(ctx.request());
        ObjectNode body = family == ApiFamily.ANTHROPIC ? AnthropicErrors.body(e, r.headers().get("X-Request-Id")) : body(family, e);
        json(ctx, statusFor(e, family), body);
    }

    private static int statusFor(ApiException e, ApiFamily family) {
        return family == ApiFamily.ANTHROPIC ? AnthropicErrors.status(e.kind()) : e.kind().status();
    }

    public static ObjectNode body(ApiFamily family, ApiException e) {
        return switch (family) {
            case OPENAI, ADMIN -> ChatEncoder.error(e);
            case ANTHROPIC -> AnthropicErrors.body(e, null);
            case JOBS -> {
                ObjectNode o = Json.object();
                o.put("success", false);
                o.put("message", e.getMessage());
                if (e.param() != null) o.put("param", e.param());
                if (e.code() != null) o.put("code", e.code());
                yield o;
            }
        };
    }

    public static ApiException toApi(Throwable t) {
        if (t instanceof ApiException a) return a;
        if (t instanceof dev.tokengate.pipeline.ChatService.StreamFailure f) return f.error();
        if (t instanceof HttpException h && h.getStatusCode() >= 400 && h.getStatusCode() < 500) return clientError(h);
        if (t instanceof dev.tokengate.store.jdbc.Sql.StorageException) {
            LOG.error("storage failure", t);
            return new ApiException(ErrorKind.UNAVAILABLE, "Storage is unavailable; try again shortly.", null, "storage_unavailable", 1, null);
        }
        LOG.error("unexpected failure", t);
        return ApiException.internal("The server had an error while processing your request.");
    }

    /** Vert.x Web's own 4xx (for example a query string with a malformed %-escape) stays a client error. */
    private static ApiException clientError(HttpException h) {
        ErrorKind kind = java.util.Arrays.stream(ErrorKind.values()).filter(k -> k.status() == h.getStatusCode()).findFirst()
                .orElse(ErrorKind.INVALID_REQUEST);
        String reason = h.getCause() != null && h.getCause().getMessage() != null ? h.getCause().getMessage() : h.getMessage();
        return new ApiException(kind, "The request could not be read: " + reason, null, null);
    }
}
