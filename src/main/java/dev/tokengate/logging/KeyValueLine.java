package dev.tokengate.logging;

/**
 * One INFO line built pair by pair, for a caller on every request's path (the access log): the same JSON that
 * {@link LogLine} makes of an SLF4J event with these key-value pairs, without the event, its pair objects, boxing and
 * the message pattern. Text values pass through {@link Redactor} like any other; {@link #trusted} ones do not. The
 * caller checks that its logger is enabled for INFO first.
 */
public final class KeyValueLine {
    private final StringBuilder sb;

    private KeyValueLine(String logger, Object message) {
        sb = LogLine.start(new StringBuilder(512), "INFO", logger, message);
    }

    public static KeyValueLine info(String logger, String message) {
        return new KeyValueLine(logger, message);
    }

    /** A line whose message the gateway made itself from {@link #trusted} parts: not masked. */
    public static KeyValueLine info(String logger, Trusted message) {
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

    /** Written as {@code StringBuilder.append(double)} writes it; a value in hundredths (a duration) without it. */
    public KeyValueLine number(String key, double value) {
        StringBuilder out = key(key);
        long hundredths = Math.round(value * 100);
        if (value >= 0 && value < 1e7 && hundredths / 100.0 == value) appendHundredths(out, hundredths);
        else out.append(value);
        return this;
    }

    /**
     * {@code hundredths / 100.0} as Java prints a double: the shortest decimal that reads back as the same double, with
     * at least one digit after the point. Below 10^7 (where Java would switch to an exponent) that is the value to two
     * places with trailing zeros dropped, since every other decimal of at most two places is 0.01 away.
     */
    static void appendHundredths(StringBuilder out, long hundredths) {
        out.append(hundredths / 100).append('.');
        int cents = (int) (hundredths % 100);
        if (cents % 10 == 0) out.append((char) ('0' + cents / 10));
        else out.append((char) ('0' + cents / 10)).append((char) ('0' + cents % 10));
    }

    private StringBuilder key(String key) {
        return sb.append(',').append('"').append(LogLine.escape(key)).append("\":");
    }

    public void write() {
        LogOutput.write(sb.append('}').toString());
    }
}
