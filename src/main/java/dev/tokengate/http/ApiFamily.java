package dev.tokengate.http;

import io.vertx.core.http.HttpServerRequest;

/** The API families we serve; each has its own error body. */
public enum ApiFamily {
    /** OpenAI-compatible /v1 routes: {"error":{message,type,param,code}}. */
    OPENAI,
    /** The job API of seed 000 under /api/v1: {"success":false,"message":...}. */
    JOBS,
    /** Operator routes under /admin/v1, in OpenAI's error shape. */
    ADMIN,
    /**
     * Anthropic's Messages API at /v1/messages: {"type":"error","error":{type,message}} and Anthropic's statuses. Under
     * /v1/messages/batches only requests with an {@code anthropic-version} header are Anthropic's; the others are seed
     * 003's Letta-shaped API in OpenAI's error shape.
     */
    ANTHROPIC;

    /** The header every Anthropic SDK sends; it tells Anthropic's batches from Letta's at the same paths. */
    public static final String ANTHROPIC_VERSION = "anthropic-version";

    public static ApiFamily ofPath(String path) {
        return of(path, false);
    }

    public static ApiFamily of(HttpServerRequest request) {
        String path = request.path();
        // the header is looked up only where it matters: this runs on every request
        return of(path, isBatches(path) && request.getHeader(ANTHROPIC_VERSION) != null);
    }

    /** @param anthropicVersion whether the request carries an {@code anthropic-version} header */
    public static ApiFamily of(String path, boolean anthropicVersion) {
        if (path.startsWith("/api/")) return JOBS;
        if (path.startsWith("/admin/")) return ADMIN;
        if (isBatches(path)) return anthropicVersion ? ANTHROPIC : OPENAI;
        if (path.equals("/v1/messages") || path.startsWith("/v1/messages/")) return ANTHROPIC;
        return OPENAI;
    }

    private static boolean isBatches(String path) {
        return path.equals("/v1/messages/batches") || path.startsWith("/v1/messages/batches/");
    }
}
