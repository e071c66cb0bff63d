package dev.tokengate.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Our SLF4J backend, found by SLF4J through {@code META-INF/services}: every log line of the process (ours, Vert.x,
 * Netty, Hikari, Flyway) becomes one JSON object on one line, with the request id where known and secrets masked.
 */
public final class JsonLogProvider implements SLF4JServiceProvider {
    private ILoggerFactory loggers;
    private IMarkerFactory markers;
    private MDCAdapter mdc;

    @Override
    public void initialize() {
        LogLevels levels = LogLevels.parse(System.getProperty("tokengate.log.level", System.getenv("TOKENGATE_LOG_LEVEL")));
        loggers = new JsonLoggerFactory(levels);
        markers = new BasicMarkerFactory();
        mdc = new BasicMDCAdapter();
    }

    @Override
    public ILoggerFactory getLoggerFactory() { return loggers; }

    @Override
    public IMarkerFactory getMarkerFactory() { return markers; }

    @Override
    public MDCAdapter getMDCAdapter() { return mdc; }

    @Override
    public String getRequestedApiVersion() { return "2.0.99"; }
}
