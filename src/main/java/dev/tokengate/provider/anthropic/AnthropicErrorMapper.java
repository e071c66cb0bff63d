package dev.tokengate.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import dev.tokengate.provider.UpstreamText;

/**
 * Maps Anthropic's error statuses, bodies ({@code {"type":"error","error":{type,message}}}) and in-stream error events
 * to our errors. 529 overloaded is a retryable 503; the upstream refusing our key, or not knowing our model, is a 502,
 * never the caller's 401 or 404.
 */
public final class AnthropicErrorMapper {
    private AnthropicErrorMapper() {}

    public static ApiException fromStatus(int status, String body, String retryAfter, String deploymentId) {
        String message = upstreamMessage(body);
        String prefix = "Upstream " + deploymentId + " answered " + status;
        String detail = message == null ? "." : ": " + message;
        Integer retry = parseRetryAfter(retryAfter);
        return switch (status) {
            case 400, 413, 422 -> new ApiException(status == 413 ? ErrorKind.PAYLOAD_TOO_LARGE : ErrorKind.INVALID_REQUEST,
                    message == null ? prefix : message, null, "upstream_rejected", null, status);
            // we chose the path and the upstream model, so a 404 means the deployment's configuration is wrong
            case 404 -> new ApiException(ErrorKind.UPSTREAM_ERROR, prefix + ": its base_url or upstream_model is not known there"
                    + detail, null, "upstream_not_found", null, status);
            case 401, 403 -> new ApiException(ErrorKind.UPSTREAM_ERROR, prefix + ": the gateway's credentials for this upstream were refused.",
                    null, "upstream_auth_failed", null, status);
            case 408 -> new ApiException(ErrorKind.UPSTREAM_TIMEOUT, prefix + ": request timeout.", null, "upstream_timeout", retry, status);
            case 429 -> new ApiException(ErrorKind.RATE_LIMITED, prefix + ": rate limited" + detail,
                    null, "upstream_rate_limited", retry == null ? 1 : retry, status);
            case 503 -> new ApiException(ErrorKind.UNAVAILABLE, prefix + ": unavailable" + detail, null, "upstream_unavailable", retry, status);
            case 529 -> new ApiException(ErrorKind.UNAVAILABLE, prefix + ": overloaded" + detail, null, "upstream_overloaded", retry, status);
            case 504 -> new ApiException(ErrorKind.UPSTREAM_TIMEOUT, prefix + ": gateway timeout.", null, "upstream_timeout", retry, status);
            default -> new ApiException(ErrorKind.UPSTREAM_ERROR, prefix + detail, null, "upstream_error", retry, status);
        };
    }

    /** An {@code event: error} inside a stream that had answered 200. */
    public static ApiException fromStreamError(JsonNode error, String deploymentId) {
        String type = error.path("type").asText("api_error");
        String message = "Upstream " + deploymentId + " reported " + type + " mid-stream: " + UpstreamText.safe(error.path("message").asText(""));
        return switch (type) {
            case "overloaded_error" -> new ApiException(ErrorKind.UNAVAILABLE, message, null, "upstream_overloaded");
            case "rate_limit_error" -> new ApiException(ErrorKind.RATE_LIMITED, message, null, "upstream_rate_limited", 1, null);
            case "timeout_error" -> new ApiException(ErrorKind.UPSTREAM_TIMEOUT, message, null, "upstream_timeout");
            default -> new ApiException(ErrorKind.UPSTREAM_ERROR, message, null, "upstream_error");
        };
    }

    private static String upstreamMessage(String body) {
        return UpstreamText.safe(rawMessage(body));
    }

    private static String rawMessage(String body) {
        if (body == null || body.isBlank()) return null;
        JsonNode n = Json.parseOrNull(body);
        if (n == null) return null;
        if (n.path("error").path("message").isTextual()) return n.path("error").path("message").asText();
        if (n.path("message").isTextual()) return n.path("message").asText();
        return null;
    }

    private static Integer parseRetryAfter(String v) {
        if (v == null) return null;
        try {
            return Math.max(1, (int) Math.ceil(Double.parseDouble(v.trim())));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
