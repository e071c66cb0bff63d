package dev.tokengate.logging;

/**
 * One INFO line built pair by pair, for a caller on every request's path (the access log): the same JSON that
 * {@link LogLine} makes of an SLF4J event with these key-value pairs, without the event, its pair objects, boxing and
 * the message pattern. Text values pass through {@link Redactor} like any other; {@link #trusted} ones do not. The
 * caller checks that its logger is enabled for INFO first.
 */
public final class KeyValueLine {
    private final StringBuilder sb;

    private KeyValueLine(String logger) {
        sb = new StringBuilder(512);
        LogLine.startAfterTime(sb, Prefix.of(logger));
    }

    private KeyValueLine(String logger, Object message) {
        this(logger);
        LogLine.value(sb, message);
    }

    public static KeyValueLine info(String logger, String message) {
        return new KeyValueLine(logger, message);
    }

    /** A line whose message the gateway made itself from {@link #trusted} parts: not masked. */
    public static KeyValueLine info(String logger, Trusted message) {
        return new KeyValueLine(logger, message);
    }

    /**
     * A line whose message is {@code "first second number"}, each part made by the gateway itself (not masked): the
     * same line as {@code info(logger, Trusted.of(first + " " + second + " " + number))} without that String.
     */
    public static KeyValueLine info(String logger, String first, String second, long number) {
        KeyValueLine line = new KeyValueLine(logger);
        StringBuilder sb = line.sb.append('"');
        LogLine.appendEscaped(sb, first);
        LogLine.appendEscaped(sb.append(' '), second);
        sb.append(' ').append(number).append('"');
        return line;
    }

    /**
     * A key written in advance as {@code ,"key":}: a caller that writes the same keys on every line makes them once
     * instead of escaping each on every line.
     */
    public record Key(String fragment) {
        public static Key of(String key) {
            return new Key(",\"" + LogLine.escape(key) + "\":");
        }
    }

    /**
     * The constant part of an INFO line of one logger after its time ({@code ","level":"INFO","logger":"...","message":}),
     * made as {@link LogLine#start} makes it; the last logger's is kept, which for the access log is every line's.
     */
    private record Prefix(String logger, String text) {
        private static volatile Prefix last = new Prefix("", "");

        static String of(String logger) {
            Prefix p = last;
            if (!p.logger.equals(logger)) {
                StringBuilder sb = LogLine.start(new StringBuilder(), "INFO", logger, null);
                int time = sb.indexOf("\",\"level\":");
                String text = sb.substring(time, sb.length() - "null".length());
                p = new Prefix(logger, text);
                last = p;
            }
            return p.text;
        }
    }

    /** {@link #text(String, String)} with a key made in advance. */
    public KeyValueLine text(Key key, String value) {
        LogLine.value(sb.append(key.fragment()), value);
        return this;
    }

    /** {@link #trusted(String, String)} with a key made in advance. */
    public KeyValueLine trusted(Key key, String value) {
        StringBuilder out = sb.append(key.fragment());
        if (value == null) {
            out.append("null");
        } else {
            LogLine.appendEscaped(out.append('"'), value);
            out.append('"');
        }
        return this;
    }

    /** {@link #number(String, long)} with a key made in advance. */
    public KeyValueLine number(Key key, long value) {
        sb.append(key.fragment()).append(value);
        return this;
    }

    /** {@link #number(String, double)} with a key made in advance. */
    public KeyValueLine number(Key key, double value) {
        number(sb.append(key.fragment()), value);
        return this;
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
        number(key(key), value);
        return this;
    }

    private static void number(StringBuilder out, double value) {
        long hundredths = Math.round(value * 100);
        if (value >= 0 && value < 1e7 && hundredths / 100.0 == value) appendHundredths(out, hundredths);
        else out.append(value);
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
