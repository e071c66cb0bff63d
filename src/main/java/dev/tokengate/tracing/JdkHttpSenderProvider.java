package dev.tokengate.tracing;

import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;

/**
 * Lets the OTLP exporter send with the JDK's HttpClient (found through {@code META-INF/services}), so the exporter
 * needs neither OkHttp nor its Okio and Kotlin libraries.
 */
public final class JdkHttpSenderProvider implements HttpSenderProvider {
    @Override
    public HttpSender createSender(HttpSenderConfig config) {
        return new JdkHttpSender(config);
    }
}
