package dev.tokengate.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import dev.tokengate.core.Provider;
import dev.tokengate.core.StreamSink;
import dev.tokengate.provider.LoopTimer;
import dev.tokengate.provider.UpstreamClients;
import dev.tokengate.tracing.Tracing;
import dev.tokengate.provider.openai.IdleTimer;
import dev.tokengate.provider.openai.SseLineParser;
import dev.tokengate.wire.anthropic.MessageDecoder;
import dev.tokengate.wire.anthropic.MessagesRequestEncoder;
import dev.tokengate.wire.anthropic.StreamEventDecoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.time.InstantSource;
import java.util.concurrent.TimeoutException;

/**
 * Anthropic's Messages API as an upstream. The deployment's base URL may end in {@code /v1} or not (the Anthropic SDKs'
 * own convention is without): both reach {@code .../v1/messages}. Pooled keep-alive connections; streams are relayed
 * event by event; connect, first-byte and idle timeouts as for OpenAI upstreams (whose SSE parser and idle timer it
 * shares).
 */
public final class AnthropicProvider implements Provider {
    public static final String API_VERSION = "2023-06-01";
    private final Vertx vertx;
    private final UpstreamClients clients;
    private final GatewayConfig.Upstream limits;
    private final InstantSource clock;
    private final Tracing tracing;

    public AnthropicProvider(Vertx vertx, GatewayConfig.Upstream limits, InstantSource clock) {
        this(vertx, limits, clock, Tracing.OFF);
    }

    public AnthropicProvider(Vertx vertx, GatewayConfig.Upstream limits, InstantSource clock, Tracing tracing) {
        this.vertx = vertx;
        this.tracing = tracing;
        this.limits = limits;
        this.clock = clock;
        this.clients = new UpstreamClients(vertx, limits);
    }

    static String messagesUrl(String baseUrl) {
        return baseUrl + (baseUrl.endsWith("/v1") ? "/messages" : "/v1/messages");
    }

    @Override
    public Future<ChatResponse> chat(Deployment d, ChatRequest request) {
        byte[] body;
        try {
            body = Json.bytes(MessagesRequestEncoder.upstreamRequest(request.withStream(false, false), d.upstreamModel()));
        } catch (ApiException e) {
            return Future.failedFuture(e);
        }
        return send(d, body).compose(resp -> readBody(resp, d).compose(buf -> {
            if (resp.statusCode() / 100 != 2) return Future.failedFuture(statusError(resp, buf, d));
            JsonNode json = Json.parseOrNull(buf.toString());
            if (json == null) return Future.failedFuture(malformed(d, "the body is not valid JSON"));
            try {
                return Future.succeededFuture(MessageDecoder.response(json, now()));
            } catch (MessageDecoder.MalformedMessageException e) {
                return Future.failedFuture(malformed(d, e.getMessage()));
            }
        }));
    }

    @Override
    public Future<Void> stream(Deployment d, ChatRequest request, StreamSink sink) {
        byte[] body;
        try {
            body = Json.bytes(MessagesRequestEncoder.upstreamRequest(request.withStream(true, true), d.upstreamModel()));
        } catch (ApiException e) {
            return Future.failedFuture(e);
        }
        return send(d, body).compose(resp -> {
            if (resp.statusCode() / 100 != 2) return readBody(resp, d).compose(buf -> Future.failedFuture(statusError(resp, buf, d)));
            String type = resp.getHeader("content-type");
            if (type != null && !type.startsWith("text/event-stream")) {
                return readBody(resp, d).compose(buf -> Future.failedFuture(
                        malformed(d, "it answered a stream request with " + type + " instead of text/event-stream")));
            }
            Promise<Void> done = Promise.promise();
            IdleTimer idle = new IdleTimer(vertx, limits.idleTimeoutMs(), () -> fail(done, resp, quiet(d)));
            done.future().onComplete(ar -> idle.stop());
            StreamEventDecoder decoder = new StreamEventDecoder(now());
            SseLineParser parser = new SseLineParser(data -> {
                if (done.future().isComplete()) return;
                JsonNode event = Json.parseOrNull(data);
                if (event == null || !event.isObject()) {
                    fail(done, resp, malformed(d, "a stream event is not a JSON object"));
                    return;
                }
                if ("error".equals(event.path("type").asText())) {
                    fail(done, resp, AnthropicErrorMapper.fromStreamError(event.path("error"), d.id()));
                    return;
                }
                for (ChatChunk chunk : decoder.onEvent(event)) sink.onChunk(chunk);
                if (decoder.finished()) done.tryComplete();
            });
            sink.whenCancelled(() -> {
                if (done.tryComplete()) resp.request().reset();
            });
            resp.handler(buf -> {
                idle.touch();
                parser.feed(buf);
            });
            resp.exceptionHandler(e -> done.tryFail(transportError(e, d)));
            resp.endHandler(v -> {
                parser.finish();
                if (!decoder.finished()) {
                    done.tryFail(new ApiException(ErrorKind.UPSTREAM_ERROR, "Upstream " + d.id() + " ended the stream before it finished.",
                            null, "upstream_stream_truncated"));
                }
            });
            return done.future();
        });
    }

    /** The whole body, failing with a timeout when the upstream goes quiet for longer than the idle timeout. */
    private Future<Buffer> readBody(HttpClientResponse resp, Deployment d) {
        Promise<Buffer> result = Promise.promise();
        Buffer acc = Buffer.buffer();
        IdleTimer idle = new IdleTimer(vertx, limits.idleTimeoutMs(), () -> {
            if (result.tryFail(quiet(d))) resp.request().reset();
        });
        result.future().onComplete(ar -> idle.stop());
        resp.handler(buf -> {
            idle.touch();
            acc.appendBuffer(buf);
        });
        resp.exceptionHandler(e -> result.tryFail(transportError(e, d)));
        resp.endHandler(v -> result.tryComplete(acc));
        return result.future();
    }

    private static ApiException statusError(HttpClientResponse resp, Buffer body, Deployment d) {
        return AnthropicErrorMapper.fromStatus(resp.statusCode(), body.toString(), resp.getHeader("retry-after"), d.id());
    }

    private ApiException quiet(Deployment d) {
        return new ApiException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream " + d.id() + " sent nothing for " + limits.idleTimeoutMs()
                + " ms; the response was cut.", null, "upstream_timeout");
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private static void fail(Promise<Void> done, HttpClientResponse resp, ApiException e) {
        if (done.tryFail(e)) resp.request().reset();
    }

    private Future<HttpClientResponse> send(Deployment d, byte[] body) {
        RequestOptions opts = clients.post(messagesUrl(d.baseUrl()));
        String traceparent = tracing.upstreamTraceparent();
        Promise<HttpClientResponse> result = Promise.promise();
        clients.current().request(opts).onComplete(ar -> {
            if (ar.failed()) {
                result.tryFail(transportError(ar.cause(), d));
                return;
            }
            var req = ar.result();
            req.putHeader("Content-Type", "application/json");
            req.putHeader("Accept", "application/json, text/event-stream");
            req.putHeader("anthropic-version", API_VERSION);
            if (d.apiKey() != null) req.putHeader("x-api-key", d.apiKey());
            if (traceparent != null) req.putHeader("traceparent", traceparent);
            LoopTimer timer = LoopTimer.schedule(vertx, limits.firstByteTimeoutMs(), () -> {
                if (result.tryFail(new ApiException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream " + d.id() + " sent no response within "
                        + limits.firstByteTimeoutMs() + " ms.", null, "upstream_timeout"))) {
                    req.reset();
                }
            });
            req.send(Buffer.buffer(body)).onComplete(sent -> {
                timer.cancel();
                if (sent.succeeded()) {
                    if (!result.tryComplete(sent.result())) sent.result().request().reset();
                } else {
                    result.tryFail(transportError(sent.cause(), d));
                }
            });
        });
        return result.future();
    }

    private static ApiException transportError(Throwable e, Deployment d) {
        if (e instanceof ApiException a) return a;
        if (e instanceof ConnectException || (e.getCause() instanceof ConnectException)) {
            return new ApiException(ErrorKind.UNAVAILABLE, "Upstream " + d.id() + " is unreachable.", null, "upstream_unreachable");
        }
        if (e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout")) {
            return new ApiException(ErrorKind.UPSTREAM_TIMEOUT, "Upstream " + d.id() + " timed out.", null, "upstream_timeout");
        }
        return new ApiException(ErrorKind.UPSTREAM_ERROR, "Upstream " + d.id() + " connection failed: " + e.getMessage(), null,
                "upstream_connection_error");
    }

    private static ApiException malformed(Deployment d, String what) {
        return new ApiException(ErrorKind.UPSTREAM_ERROR, "Upstream " + d.id() + " sent a malformed response: " + what + ".",
                null, "upstream_malformed_response");
    }
}
