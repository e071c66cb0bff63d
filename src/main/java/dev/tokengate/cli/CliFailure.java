package dev.tokengate.cli;

/** A failure the command line reports in one line and turns into its exit code. */
final class CliFailure extends RuntimeException {
    static final int API_ERROR = 1;
    static final int USAGE = 2;

    private final int exitCode;
    private final int httpStatus;
    private final String apiCode;

    private CliFailure(int exitCode, String message, int httpStatus, String apiCode) {
        super(message);
        this.exitCode = exitCode;
        this.httpStatus = httpStatus;
        this.apiCode = apiCode;
    }

    /** The gateway could not be reached or answered something unusable. */
    static CliFailure api(String message) {
        return new CliFailure(API_ERROR, message, 0, null);
    }

    /** The gateway answered with an error status. */
    static CliFailure api(int httpStatus, String apiCode, String message) {
        return new CliFailure(API_ERROR, message, httpStatus, apiCode);
    }

    /** The command was asked for something it cannot do as given (a missing key, an unreadable file). */
    static CliFailure usage(String message) {
        return new CliFailure(USAGE, message, 0, null);
    }

    int exitCode() { return exitCode; }

    /** The gateway's HTTP status, or 0 when there was no answer. */
    int httpStatus() { return httpStatus; }

    /** The gateway's error code ({@code error.code}), when it gave one. */
    String apiCode() { return apiCode; }
}
