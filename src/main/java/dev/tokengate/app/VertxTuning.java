package dev.tokengate.app;

/**
 * Vert.x switches read once, when its classes load, so they are set before the first Vert.x class is touched.
 * Header validation is off because every header value the gateway writes is a constant, a number, an id it made, or
 * the client's {@code X-Request-Id} after {@code HttpApi.requestId} kept it to printable ASCII; validating them again
 * char by char was about 2% of a request's CPU. An operator's own {@code -D} setting wins.
 */
final class VertxTuning {
    private VertxTuning() {}

    static void apply() {
        setIfAbsent("vertx.disableHttpHeadersValidation", "true");
        setIfAbsent("vertx.disableContextTimings", "true");
        setIfAbsent("vertx.cacheImmutableHttpResponseHeaders", "true");
        setIfAbsent("vertx.internCommonHttpRequestHeadersToLowerCase", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
