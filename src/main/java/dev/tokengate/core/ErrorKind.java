package dev.tokengate.core;

/** The closed set of failures the gateway reports; each API family maps these to its own status and body. */
public enum ErrorKind {
    INVALID_REQUEST(400, "invalid_request_error"),
    AUTHENTICATION(401, "authentication_error"),
    INSUFFICIENT_BALANCE(402, "insufficient_balance"),
    PERMISSION(403, "permission_error"),
    NOT_FOUND(404, "not_found_error"),
    METHOD_NOT_ALLOWED(405, "invalid_request_error"),
    CONFLICT(409, "conflict_error"),
    PAYLOAD_TOO_LARGE(413, "invalid_request_error"),
    RATE_LIMITED(429, "rate_limit_error"),
    INTERNAL(500, "server_error"),
    UPSTREAM_ERROR(502, "upstream_error"),
    UNAVAILABLE(503, "service_unavailable"),
    UPSTREAM_TIMEOUT(504, "timeout_error");

    private final int status;
    private final String type;

    ErrorKind(int status, String type) {
        this.status = status;
        this.type = type;
    }

    public int status() { return status; }

    public String type() { return type; }

    public boolean retryable() {
        return this == RATE_LIMITED || this == UPSTREAM_ERROR || this == UNAVAILABLE || this == UPSTREAM_TIMEOUT;
    }
}
