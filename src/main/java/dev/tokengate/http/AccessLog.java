package dev.tokengate.http;

import dev.tokengate.logging.Trusted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the logger {@code tokengate.access}: request id, method, route (the pattern, never the
 * concrete path, which may carry an image token), status, duration, model and user. Never a key; only its id.
 */
final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("tokengate.access");

    private AccessLog() {}

    static void write(String requestId, String method, String route, int status, long elapsedNanos, String model,
                      String userId, String keyId) {
        if (!LOG.isInfoEnabled()) return;
        LOG.atInfo()
                .addKeyValue("request_id", requestId)
                .addKeyValue("method", Trusted.of(method))
                .addKeyValue("route", Trusted.of(route))
                .addKeyValue("status", status)
                .addKeyValue("duration_ms", Math.round(elapsedNanos / 10_000.0) / 100.0)
                .addKeyValue("model", model == null || model.length() <= 200 ? model : model.substring(0, 200))
                .addKeyValue("user_id", Trusted.of(userId))
                .addKeyValue("key_id", Trusted.of(keyId))
                .log("{} {} {}", method, route, status);
    }
}
