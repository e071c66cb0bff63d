package dev.tokengate.logging;

/**
 * One INFO line built pair by pair, for a caller on every request's path (the access log): the same JSON that
 * {@link LogLine} makes of an SLF4J event with these key-value pairs, without the event, its pair objects, boxing and
 * the message pattern. Text values pass through {@link Redactor} like any other; {@link #trusted} ones do not. The
 * caller checks that its logger is enabled for INFO first.
 */
public final class KeyValueLine {
    private final StringBuilder sb;

    private KeyValueLine(String logger, String message) {
        sb = LogLine.start(new StringBuilder(512), "INFO", logger, message);
    }

    public static KeyValueLine info(String logger, String message) {
        return new KeyValueLine(logger, message);
    }

    /** A value a client or an upstream may have sent: masked. */
    public KeyValueLine text(String key, String value) {
        LogLine.value(key(key), value);
        return this;
    }

    /** A value the gateway made itself (see {@link Trusted}). */
    public KeyValueLine trusted(String key, String value) {
        LogLine.value(key(key), Trusted.of(value));
        return this;
    }

    public KeyValueLine number(String key, long value) {
        key(key).append(value);
        return this;
    }

    public KeyValueLine number(String key, double value) {
        key(key).append(value);
        return this;
    }

    private StringBuilder key(String key) {
        return sb.append(',').append('"').append(LogLine.escape(key)).append("\":");
    }

    public void write() {
        LogOutput.write(sb.append('}').toString());
    }
}
