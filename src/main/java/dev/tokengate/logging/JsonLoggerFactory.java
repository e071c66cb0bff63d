package dev.tokengate.logging;

import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

final class JsonLoggerFactory implements ILoggerFactory {
    private final LogLevels levels;
    private final ConcurrentHashMap<String, Logger> loggers = new ConcurrentHashMap<>();

    JsonLoggerFactory(LogLevels levels) {
        this.levels = levels;
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new JsonLogger(n, levels.threshold(n)));
    }
}
