package dev.tokengate.support;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A minimal OTLP/HTTP collector on a free 127.0.0.1 port: accepts {@code POST /v1/traces} with a protobuf
 * {@code ExportTraceServiceRequest} and keeps every span it received, with its resource's {@code service.name}.
 */
public final class OtlpReceiver implements AutoCloseable {
    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final HttpServer server;
    private final List<Received> spans = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();

    /** A received span and the service that sent it; ids are lower-case hex as in {@code traceparent}. */
    public record Received(Span span, String serviceName) {
        public String traceId() { return hex(span.getTraceId()); }

        public String spanId() { return hex(span.getSpanId()); }

        public String parentSpanId() { return hex(span.getParentSpanId()); }

        public String name() { return span.getName(); }

        public Span.SpanKind kind() { return span.getKind(); }

        public boolean failed() { return span.getStatus().getCode() == io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR; }

        /** The attribute's value as text (numbers too), or null. */
        public String attribute(String key) {
            for (KeyValue kv : span.getAttributesList()) {
                if (!kv.getKey().equals(key)) continue;
                AnyValue v = kv.getValue();
                return switch (v.getValueCase()) {
                    case STRING_VALUE -> v.getStringValue();
                    case INT_VALUE -> Long.toString(v.getIntValue());
                    case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
                    case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
                    default -> v.toString();
                };
            }
            return null;
        }

        private static String hex(ByteString bytes) {
            return HexFormat.of().formatHex(bytes.toByteArray());
        }
    }

    private OtlpReceiver() {
        server = vertx.createHttpServer().requestHandler(req -> {
            if (!req.path().equals("/v1/traces") || !req.method().name().equals("POST")) {
                req.response().setStatusCode(404).end();
                return;
            }
            contentTypes.add(String.valueOf(req.getHeader("Content-Type")));
            req.body().onSuccess(body -> {
                try {
                    ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(body.getBytes());
                    for (ResourceSpans rs : export.getResourceSpansList()) {
                        String service = rs.getResource().getAttributesList().stream()
                                .filter(kv -> kv.getKey().equals("service.name")).map(kv -> kv.getValue().getStringValue())
                                .findFirst().orElse(null);
                        for (ScopeSpans ss : rs.getScopeSpansList()) ss.getSpansList().forEach(s -> spans.add(new Received(s, service)));
                    }
                    req.response().putHeader("Content-Type", "application/x-protobuf")
                            .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
                } catch (InvalidProtocolBufferException e) {
                    req.response().setStatusCode(400).end(e.getMessage());
                }
            });
        });
    }

    public static OtlpReceiver start() {
        OtlpReceiver r = new OtlpReceiver();
        try {
            r.server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("OTLP receiver did not start", e);
        }
        return r;
    }

    /** The base URL to configure as {@code tracing.otlp_endpoint}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public List<Received> spans() {
        return List.copyOf(spans);
    }

    public List<String> contentTypes() {
        return List.copyOf(contentTypes);
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the test is over either way
        }
    }
}
