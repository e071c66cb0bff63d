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

    private static final KeyValueLine.Key REQUEST_ID = KeyValueLine.Key.of("request_id");
    private static final KeyValueLine.Key METHOD = KeyValueLine.Key.of("method");
    private static final KeyValueLine.Key ROUTE = KeyValueLine.Key.of("route");
    private static final KeyValueLine.Key STATUS = KeyValueLine.Key.of("status");
    private static final KeyValueLine.Key DURATION_MS = KeyValueLine.Key.of("duration_ms");
    private static final KeyValueLine.Key MODEL = KeyValueLine.Key.of("model");
    private static final KeyValueLine.Key USER_ID = KeyValueLine.Key.of("user_id");
    private static final KeyValueLine.Key KEY_ID = KeyValueLine.Key.of("key_id");

    /**
     * @param requestIdGenerated whether the gateway made the request id itself (then it is written without masking,
     *                           like its other own ids); a client's id is masked like any text it sends
     */
    static void write(String requestId, boolean requestIdGenerated, String method, String route, int status,
                      long elapsedNanos, String model, String userId, String keyId) {
        if (!LOG.isInfoEnabled()) return;
        KeyValueLine line = KeyValueLine.info(LOGGER, method, route, status);
        if (requestIdGenerated) line.trusted(REQUEST_ID, requestId);
        else line.text(REQUEST_ID, requestId);
        line.trusted(METHOD, method)
                .trusted(ROUTE, route)
                .number(STATUS, status)
                .number(DURATION_MS, Math.round(elapsedNanos / 10_000.0) / 100.0)
                .text(MODEL, model == null || model.length() <= 200 ? model : model.substring(0, 200))
                .trusted(USER_ID, userId)
                .trusted(KEY_ID, keyId)
                .write();
    }
}
