package dev.tokengate.tracing;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One OTLP export is one POST of the serialized (optionally compressed) message. No retries of its own: a failed
 * export is reported to the exporter, which drops that batch (tracing must never hold the gateway up).
 */
final class JdkHttpSender implements HttpSender {
    private final HttpSenderConfig config;
    private final HttpClient client;

    JdkHttpSender(HttpSenderConfig config) {
        this.config = config;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        if (config.getConnectTimeout() != null) b.connectTimeout(config.getConnectTimeout());
        if (config.getExecutorService() != null) b.executor(config.getExecutorService());
        if (config.getSslContext() != null) b.sslContext(config.getSslContext());
        this.client = b.build();
    }

    @Override
    public void send(MessageWriter message, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
        HttpRequest request;
        try {
            request = request(message);
        } catch (IOException | RuntimeException e) {
            onError.accept(e);
            return;
        }
        client.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray()).whenComplete((resp, failure) -> {
            if (failure != null) onError.accept(failure);
            else onResponse.accept(new Response(resp.statusCode(), resp.body()));
        });
    }

    private HttpRequest request(MessageWriter message) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(Math.max(64, message.getContentLength()));
        var compressor = config.getCompressor();
        try (OutputStream out = compressor == null ? body : compressor.compress(body)) {
            message.writeMessage(out);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(config.getEndpoint())
                .header("Content-Type", config.getContentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        if (config.getTimeout() != null && !config.getTimeout().isZero()) b.timeout(config.getTimeout());
        if (compressor != null) b.header("Content-Encoding", compressor.getEncoding());
        Map<String, List<String>> headers = config.getHeadersSupplier() == null ? null : config.getHeadersSupplier().get();
        if (headers != null) headers.forEach((name, values) -> values.forEach(v -> b.header(name, v)));
        return b.build();
    }

    @Override
    public CompletableResultCode shutdown() {
        client.shutdown();
        return CompletableResultCode.ofSuccess();
    }

    private record Response(int status, byte[] body) implements HttpResponse {
        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        public String getStatusMessage() {
            return Integer.toString(status);
        }

        @Override
        public byte[] getResponseBody() {
            return body;
        }
    }
}
