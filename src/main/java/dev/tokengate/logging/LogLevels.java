package dev.tokengate.logging;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.event.Level;

/**
 * Thresholds from {@code TOKENGATE_LOG_LEVEL}: a default level, then optional {@code logger.prefix=level} pairs, e.g.
 * {@code info,tokengate.access=off,io.netty=warn}. Levels: trace, debug, info, warn, error, off. Anything unreadable
 * falls back to info rather than stopping the gateway.
 */
final class LogLevels {
    /** A threshold above ERROR: nothing is logged. */
    static final int OFF = Integer.MAX_VALUE;

    private final int defaultThreshold;
    private final Map<String, Integer> byPrefix;

    private LogLevels(int defaultThreshold, Map<String, Integer> byPrefix) {
        this.defaultThreshold = defaultThreshold;
        this.byPrefix = byPrefix;
    }

    static LogLevels parse(String spec) {
        int fallback = Level.INFO.toInt();
        Map<String, Integer> prefixes = new LinkedHashMap<>();
        if (spec != null) {
            for (String part : spec.split(",")) {
                String p = part.strip();
                if (p.isEmpty()) continue;
                int eq = p.indexOf('=');
                if (eq < 0) fallback = level(p, fallback);
                else prefixes.put(p.substring(0, eq).strip(), level(p.substring(eq + 1), Level.INFO.toInt()));
            }
        }
        return new LogLevels(fallback, prefixes);
    }

    private static int level(String text, int otherwise) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("off")) return OFF;
        for (Level l : Level.values()) {
            if (l.name().equalsIgnoreCase(t)) return l.toInt();
        }
        return otherwise;
    }

    /** The threshold of the longest configured prefix of {@code logger}, else the default. */
    int threshold(String logger) {
        String best = null;
        for (String prefix : byPrefix.keySet()) {
            boolean matches = logger.equals(prefix) || logger.startsWith(prefix + ".");
            if (matches && (best == null || prefix.length() > best.length())) best = prefix;
        }
        return best == null ? defaultThreshold : byPrefix.get(best);
    }
}
