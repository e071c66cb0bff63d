package dev.tokengate.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;

/**
 * Renders one log event as one line of JSON: {@code time, level, logger, message, request_id} (when known), the
 * event's key-value pairs, and the exception with its stack. Every text passes through {@link Redactor} on its way.
 */
final class LogLine {
    static final String REQUEST_ID = "request_id";

    private LogLine() {}

    static String format(Level level, String logger, String message, List<KeyValuePair> pairs, Throwable error) {
        StringBuilder sb = start(new StringBuilder(256), level.name(), logger, message);
        boolean hasRequestId = false;
        for (KeyValuePair p : pairs) {
            if (REQUEST_ID.equals(p.key)) {
                hasRequestId = true;
                break;
            }
        }
        String requestId = hasRequestId ? null : RequestContext.currentRequestId();
        if (requestId != null) {
            sb.append(',');
            field(sb, REQUEST_ID, requestId);
        }
        for (KeyValuePair p : pairs) {
            sb.append(',');
            value(sb.append('"').append(escape(p.key)).append("\":"), p.value);
        }
        if (error != null) {
            sb.append(',');
            field(sb, "error", error.toString());
            StringWriter stack = new StringWriter();
            error.printStackTrace(new PrintWriter(stack));
            sb.append(',');
            field(sb, "stack", stack.toString());
        }
        return sb.append('}').toString();
    }

    /** The opening of every line: time, level, logger and message (a {@link Trusted} one is not masked). */
    static StringBuilder start(StringBuilder sb, String level, String logger, Object message) {
        sb.append('{');
        sb.append("\"time\":\"");
        appendTime(sb, System.currentTimeMillis());
        sb.append('"');
        sb.append(',');
        field(sb, "level", level);
        sb.append(',');
        field(sb, "logger", logger);
        sb.append(',');
        sb.append("\"message\":");
        value(sb, message);
        return sb;
    }

    /** {@link #start} with the part after the time made in advance ({@code KeyValueLine}'s prefix), up to the message. */
    static void startAfterTime(StringBuilder sb, String afterTime) {
        sb.append("{\"time\":\"");
        appendTime(sb, System.currentTimeMillis());
        sb.append(afterTime);
    }

    /** The formatted second, reused by every line within it: formatting an Instant per line showed in profiles. */
    private record Second(long epochSecond, String text) {}

    private static volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

    /** ISO-8601 UTC with milliseconds, as {@code Instant.toString()} prints it for a millisecond instant. */
    static void appendTime(StringBuilder sb, long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        Second s = lastSecond;
        if (s.epochSecond() != second) {
            String full = Instant.ofEpochSecond(second).toString(); // 2026-11-22T03:04:05Z
            s = new Second(second, full.substring(0, full.length() - 1));
            lastSecond = s;
        }
        int millis = (int) Math.floorMod(epochMillis, 1000);
        sb.append(s.text()).append('.').append((char) ('0' + millis / 100)).append((char) ('0' + millis / 10 % 10))
                .append((char) ('0' + millis % 10)).append('Z');
    }

    static void field(StringBuilder sb, String key, String value) {
        sb.append('"').append(key).append("\":");
        value(sb, value);
    }

    static void value(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Trusted t) {
            sb.append('"').append(escape(t.text())).append('"');
        } else {
            sb.append('"').append(escape(Redactor.mask(String.valueOf(v)))).append('"');
        }
    }

    /** Appends {@link #escape}{@code (s)} without making the escaped String when nothing needs escaping. */
    static void appendEscaped(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (needsEscape(s.charAt(i))) {
                sb.append(escape(s));
                return;
            }
        }
        sb.append(s);
    }

    static String escape(String s) {
        int first = 0;
        while (first < s.length() && !needsEscape(s.charAt(first))) first++;
        if (first == s.length()) return s;
        StringBuilder out = null;
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> c < 0x20 || c == 0x2028 || c == 0x2029 ? String.format("\\u%04x", (int) c) : null;
            };
            if (rep != null && out == null) out = new StringBuilder(s.length() + 16).append(s, 0, i);
            if (out != null) {
                if (rep != null) out.append(rep);
                else out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == '"' || c == '\\' || c == 0x2028 || c == 0x2029;
    }
}
