package dev.tokengate.core;

/**
 * The one exception type the pipeline throws for anything a caller should see. The HTTP layer turns it into the error
 * body of the API family that received the request.
 */
public final class ApiException extends RuntimeException {
    private final ErrorKind kind;
    private final String param;
    private final String code;
    private final Integer retryAfterSeconds;
    private final Integer upstreamStatus;

    public ApiException(ErrorKind kind, String message, String param, String code, Integer retryAfterSeconds, Integer upstreamStatus) {
        super(message, null, false, false);
        this.kind = kind;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
        this.upstreamStatus = upstreamStatus;
    }

    public ApiException(ErrorKind kind, String message, String param, String code) {
        this(kind, message, param, code, null, null);
    }

    public static ApiException invalid(String param, String message) {
        return new ApiException(ErrorKind.INVALID_REQUEST, message, param, null);
    }

    public static ApiException invalid(String param, String message, String code) {
        return new ApiException(ErrorKind.INVALID_REQUEST, message, param, code);
    }

    public static ApiException notFound(String message) {
        return new ApiException(ErrorKind.NOT_FOUND, message, null, null);
    }

    public static ApiException modelNotFound(String model) {
        return new ApiException(ErrorKind.NOT_FOUND, "The model '" + model + "' does not exist or you do not have access to it.",
                "model", "model_not_found");
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(ErrorKind.AUTHENTICATION, message, null, "invalid_api_key");
    }

    public static ApiException forbidden(String message) {
        return new ApiException(ErrorKind.PERMISSION, message, null, null);
    }

    public static ApiException internal(String message) {
        return new ApiException(ErrorKind.INTERNAL, message, null, null);
    }

    public ErrorKind kind() { return kind; }

    public String param() { return param; }

    public String code() { return code; }

    public Integer retryAfterSeconds() { return retryAfterSeconds; }

    /** The HTTP status the upstream answered with, when this error came from an upstream. */
    public Integer upstreamStatus() { return upstreamStatus; }
}
