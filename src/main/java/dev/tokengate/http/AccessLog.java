package dev.tokengate.http;

import dev.tokengate.logging.KeyValueLine;
import dev.tokengate.logging.Trusted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the logger {@code tokengate.access}: request id, method, route (the pattern, never the
 * concrete path, which may carry an image token), status, duration, model and user. Never a key; only its id.
 */
final class AccessLog {
    private static final String LOGGER = "tokengate.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    private AccessLog() {}

    static void write(String requestId, String method, String route, int status, long elapsedNanos, String model,
                      String userId, String keyId) {
        if (!LOG.isInfoEnabled()) return;
        KeyValueLine.info(LOGGER, Trusted.of(method + " " + route + " " + status))
                .text("request_id", requestId)
                .trusted("method", method)
                .trusted("route", route)
                .number("status", status)
                .number("duration_ms", Math.round(elapsedNanos / 10_000.0) / 100.0)
                .text("model", model == null || model.length() <= 200 ? model : model.substring(0, 200))
                .trusted("user_id", userId)
                .trusted("key_id", keyId)
                .write();
    }
}
