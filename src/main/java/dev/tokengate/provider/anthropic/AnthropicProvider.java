package dev.tokengate.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.Json;
import dev.tokengate.core.Provider;
import dev.tokengate.core.StreamSink;
import dev.tokengate.provider.UpstreamTransport;
import dev.tokengate.tracing.Tracing;
import dev.tokengate.provider.openai.SseLineParser;
import dev.tokengate.wire.anthropic.MessageDecoder;
import dev.tokengate.wire.anthropic.MessagesRequestEncoder;
import dev.tokengate.wire.anthropic.StreamEventDecoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;

import static dev.tokengate.provider.UpstreamTransport.cut;
import static dev.tokengate.provider.UpstreamTransport.malformed;
import static dev.tokengate.provider.UpstreamTransport.truncated;

/**
 * Anthropic's Messages API as an upstream. The deployment's base URL may end in {@code /v1} or not (the Anthropic SDKs'
 * own convention is without): both reach {@code .../v1/messages}. Pooled keep-alive connections; streams are relayed
 * event by event; the transport (connect, first-byte and idle timeouts) is {@link UpstreamTransport}, the SSE parser the
 * OpenAI adapter's.
 */
public final class AnthropicProvider implements Provider {
    public static final String API_VERSION = "2023-06-01";
    private final UpstreamTransport transport;
    private final InstantSource clock;

    public AnthropicProvider(Vertx vertx, GatewayConfig.Upstream limits, InstantSource clock) {
        this(vertx, limits, clock, Tracing.OFF);
    }

    public AnthropicProvider(Vertx vertx, GatewayConfig.Upstream limits, InstantSource clock, Tracing tracing) {
        this.transport = new UpstreamTransport(vertx, limits, tracing, AnthropicProvider::authorize);
        this.clock = clock;
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
        return transport.post(d, messagesUrl(d.baseUrl()), body).compose(resp -> transport.readBody(resp, d).compose(buf -> {
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
        return transport.post(d, messagesUrl(d.baseUrl()), body).compose(resp -> {
            if (resp.statusCode() / 100 != 2) return transport.readBody(resp, d).compose(buf -> Future.failedFuture(statusError(resp, buf, d)));
            String type = resp.getHeader("content-type");
            if (type != null && !type.startsWith("text/event-stream")) {
                return transport.readBody(resp, d).compose(buf -> Future.failedFuture(
                        malformed(d, "it answered a stream request with " + type + " instead of text/event-stream")));
            }
            Promise<Void> done = Promise.promise();
            StreamEventDecoder decoder = new StreamEventDecoder(now());
            SseLineParser parser = new SseLineParser(bytes -> {
                if (done.future().isComplete()) return;
                JsonNode event = Json.parseOrNull(new String(bytes, StandardCharsets.UTF_8));
                if (event == null || !event.isObject()) {
                    cut(done, resp, malformed(d, "a stream event is not a JSON object"));
                    return;
                }
                if ("error".equals(event.path("type").asText())) {
                    cut(done, resp, AnthropicErrorMapper.fromStreamError(event.path("error"), d.id()));
                    return;
                }
                for (ChatChunk chunk : decoder.onEvent(event)) sink.onChunk(chunk);
                if (decoder.finished()) done.tryComplete();
            });
            transport.readStream(resp, d, done, sink, parser::feed);
            resp.endHandler(v -> {
                parser.finish();
                if (!decoder.finished()) done.tryFail(truncated(d));
            });
            return done.future();
        });
    }

    private static ApiException statusError(HttpClientResponse resp, Buffer body, Deployment d) {
        return AnthropicErrorMapper.fromStatus(resp.statusCode(), body.toString(), resp.getHeader("retry-after"), d.id());
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private static void authorize(HttpClientRequest req, Deployment d) {
        req.putHeader("anthropic-version", API_VERSION);
        if (d.apiKey() != null) req.putHeader("x-api-key", d.apiKey());
    }
}
