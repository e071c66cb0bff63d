package dev.tokengate.wire.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;

/** Our errors as Anthropic reports them: its status codes (529 when overloaded) and {@code {"type":"error",...}} bodies. */
public final class AnthropicErrors {
    private AnthropicErrors() {}

    public static int status(ErrorKind kind) {
        return switch (kind) {
            case UNAVAILABLE -> 529;
            case CONFLICT -> 400; // the SDKs retry 409s, and nothing we answer with it is worth resending
            default -> kind.status();
        };
    }

    public static String type(ErrorKind kind) {
        return switch (kind) {
            case INVALID_REQUEST, METHOD_NOT_ALLOWED, CONFLICT -> "invalid_request_error";
            case AUTHENTICATION -> "authentication_error";
            case INSUFFICIENT_BALANCE -> "billing_error";
            case PERMISSION -> "permission_error";
            case NOT_FOUND -> "not_found_error";
            case PAYLOAD_TOO_LARGE -> "request_too_large";
            case RATE_LIMITED -> "rate_limit_error";
            case INTERNAL, UPSTREAM_ERROR -> "api_error";
            case UNAVAILABLE -> "overloaded_error";
            case UPSTREAM_TIMEOUT -> "timeout_error";
        };
    }

    /** @param requestId echoed as {@code request_id} when known */
    public static ObjectNode body(ApiException e, String requestId) {
        ObjectNode o = Json.object();
        o.put("type", "error");
        ObjectNode err = o.putObject("error");
        err.put("type", type(e.kind()));
        err.put("message", e.getMessage());
        if (requestId != null) o.put("request_id", requestId);
        return o;
    }
}
