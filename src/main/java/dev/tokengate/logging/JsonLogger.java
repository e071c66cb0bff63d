package dev.tokengate.logging;

import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

/** One logger: formats the message, adds key-value pairs from the fluent API, hands one line to {@link LogOutput}. */
final class JsonLogger extends LegacyAbstractLogger implements LoggingEventAware {
    private final int threshold;

    JsonLogger(String name, int threshold) {
        this.name = name;
        this.threshold = threshold;
    }

    private boolean enabled(Level level) {
        return level.toInt() >= threshold;
    }

    @Override public boolean isTraceEnabled() { return enabled(Level.TRACE); }
    @Override public boolean isDebugEnabled() { return enabled(Level.DEBUG); }
    @Override public boolean isInfoEnabled() { return enabled(Level.INFO); }
    @Override public boolean isWarnEnabled() { return enabled(Level.WARN); }
    @Override public boolean isErrorEnabled() { return enabled(Level.ERROR); }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        if (!enabled(level)) return;
        LogOutput.write(LogLine.format(level, name, MessageFormatter.basicArrayFormat(pattern, args), List.of(), t));
    }

    @Override
    public void log(LoggingEvent event) {
        if (!enabled(event.getLevel())) return;
        String message = MessageFormatter.basicArrayFormat(event.getMessage(), event.getArgumentArray());
        List<KeyValuePair> pairs = event.getKeyValuePairs() == null ? List.of() : event.getKeyValuePairs();
        LogOutput.write(LogLine.format(event.getLevel(), name, message, pairs, event.getThrowable()));
    }
}
