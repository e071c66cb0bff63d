package dev.tokengate.http;

/** The API families we serve; each has its own error body. */
public enum ApiFamily {
    /** OpenAI-compatible /v1 routes: {"error":{message,type,param,code}}. */
    OPENAI,
    /** The job API of seed 000 under /api/v1: {"success":false,"message":...}. */
    JOBS,
    /** Operator routes under /admin/v1, in OpenAI's error shape. */
    ADMIN,
    /**
     * Anthropic's Messages API at /v1/messages: {"type":"error","error":{type,message}} and Anthropic's statuses. Not
     * /v1/messages/batches, which is seed 003's Letta-shaped API in OpenAI's error shape.
     */
    ANTHROPIC;

    public static ApiFamily ofPath(String path) {
        if (path.startsWith("/api/")) return JOBS;
        if (path.startsWith("/admin/")) return ADMIN;
        if (path.equals("/v1/messages") || path.startsWith("/v1/messages/") && !isBatches(path)) return ANTHROPIC;
        return OPENAI;
    }

    private static boolean isBatches(String path) {
        return path.equals("/v1/messages/batches") || path.startsWith("/v1/messages/batches/");
    }
}
