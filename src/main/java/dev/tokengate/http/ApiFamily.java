package dev.tokengate.http;

/** The API families we serve; each has its own error body. */
public enum ApiFamily {
    /** OpenAI-compatible /v1 routes: {"error":{message,type,param,code}}. */
    OPENAI,
    /** The job API of seed 000 under /api/v1: {"success":false,"message":...}. */
    JOBS,
    /** Operator routes under /admin/v1, in OpenAI's error shape. */
    ADMIN;

    public static ApiFamily ofPath(String path) {
        if (path.startsWith("/api/")) return JOBS;
        if (path.startsWith("/admin/")) return ADMIN;
        return OPENAI;
    }
}
