package dev.tokengate.app;

/**
 * Vert.x switches read once, when its classes load, so they are set before the first Vert.x class is touched.
 * Header validation is off because every header value the gateway writes is a constant, a number, an id it made, or
 * the client's {@code X-Request-Id} after {@code HttpApi.requestId} kept it to printable ASCII; validating them again
 * char by char was about 2% of a request's CPU. Netty's io_uring rings are sized for thousands of sockets: with its
 * defaults (128 submission, 4,096 completion entries) 10,000 concurrent streams overflowed them (errors, streams that
 * never got a first byte) and 5,000 stalled; 4,096 and 65,536 carry both (PERFORMANCE.md, "Session 7: streams"). An
 * operator's own {@code -D} setting wins.
 */
final class VertxTuning {
    private VertxTuning() {}

    static void apply() {
        setIfAbsent("vertx.disableHttpHeadersValidation", "true");
        setIfAbsent("vertx.disableContextTimings", "true");
        setIfAbsent("vertx.cacheImmutableHttpResponseHeaders", "true");
        setIfAbsent("vertx.internCommonHttpRequestHeadersToLowerCase", "true");
        setIfAbsent("io.netty.iouring.ringSize", "4096");
        setIfAbsent("io.netty.iouring.cqSize", "65536");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
