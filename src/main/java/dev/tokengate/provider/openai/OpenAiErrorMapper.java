package dev.tokengate.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import dev.tokengate.provider.UpstreamText;

/**
 * Maps an upstream's error status and body to our error. The upstream's message is kept, with secrets masked
 * ({@link UpstreamText}); its key problems are not ours.
 */
public final class OpenAiErrorMapper {
    private OpenAiErrorMapper() {}

    public static ApiException fromStatus(int status, String body, String retryAfter, String deploymentId) {
        String message = upstreamMessage(body);
        String prefix = "Upstream " + deploymentId + " answered " + status;
        Integer retry = parseRetryAfter(retryAfter);
        return switch (status) {
            case 400, 413, 422 -> new ApiException(status == 413 ? ErrorKind.PAYLOAD_TOO_LARGE : ErrorKind.INVALID_REQUEST,
                    message == null ? prefix : message, null, "upstream_rejected", null, status);
            // we chose the path and the upstream model, so a 404 means the deployment's configuration is wrong
            case 404 -> new ApiException(ErrorKind.UPSTREAM_ERROR, prefix + ": its base_url or upstream_model is not known there.",
                    null, "upstream_not_found", null, status);
            // the upstream refusing *our* key is an operator problem, not the caller's: never a 401 to the client
            case 401, 403 -> new ApiException(ErrorKind.UPSTREAM_ERROR, prefix + ": the gateway's credentials for this upstream were refused.",
                    null, "upstream_auth_failed", null, status);
            case 408 -> new ApiException(ErrorKind.UPSTREAM_TIMEOUT, prefix + ": request timeout.", null, "upstream_timeout", retry, status);
            case 429 -> new ApiException(ErrorKind.RATE_LIMITED, prefix + ": rate limited" + (message == null ? "." : ": " + message),
                    null, "upstream_rate_limited", retry == null ? 1 : retry, status);
            case 503, 529 -> new ApiException(ErrorKind.UNAVAILABLE, prefix + ": unavailable" + (message == null ? "." : ": " + message),
                    null, "upstream_unavailable", retry, status);
            case 504 -> new ApiException(ErrorKind.UPSTREAM_TIMEOUT, prefix + ": gateway timeout.", null, "upstream_timeout", retry, status);
            default -> new ApiException(ErrorKind.UPSTREAM_ERROR, prefix + (message == null ? "." : ": " + message),
                    null, "upstream_error", retry, status);
        };
    }

    private static String upstreamMessage(String body) {
        return UpstreamText.safe(rawMessage(body));
    }

    private static String rawMessage(String body) {
        if (body == null || body.isBlank()) return null;
        JsonNode n = Json.parseOrNull(body);
        if (n != null && n.path("error").path("message").isTextual()) return n.path("error").path("message").asText();
        if (n != null && n.path("error").isTextual()) return n.path("error").asText();
        if (n != null && n.path("message").isTextual()) return n.path("message").asText();
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
