package dev.tokengate.provider.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.ChunkText;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.EmbeddingProvider;
import dev.tokengate.core.ImageProvider;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import dev.tokengate.core.Provider;
import dev.tokengate.core.RelayedAnswer;
import dev.tokengate.core.RelayingProvider;
import dev.tokengate.core.StreamSink;
import dev.tokengate.provider.UpstreamTransport;
import dev.tokengate.provider.UpstreamText;
import dev.tokengate.tracing.Tracing;
import dev.tokengate.wire.openai.ChatEncoder;
import dev.tokengate.wire.openai.PlainResponseRelay;
import dev.tokengate.wire.openai.StreamChunkReader;
import dev.tokengate.wire.openai.UpstreamDecoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.tokengate.provider.UpstreamTransport.cut;
import static dev.tokengate.provider.UpstreamTransport.malformed;
import static dev.tokengate.provider.UpstreamTransport.truncated;

/**
 * Any OpenAI-compatible upstream (OpenAI, vLLM, Ollama, llama.cpp, Groq, Together ...). Pooled keep-alive connections;
 * streams are relayed chunk by chunk as they arrive; connect, first-byte and idle timeouts.
 */
public final class OpenAiProvider implements Provider, RelayingProvider, EmbeddingProvider, ImageProvider {
    private final UpstreamTransport transport;

    public OpenAiProvider(Vertx vertx, GatewayConfig.Upstream limits) {
        this(vertx, limits, Tracing.OFF);
    }

    public OpenAiProvider(Vertx vertx, GatewayConfig.Upstream limits, Tracing tracing) {
        this.transport = new UpstreamTransport(vertx, limits, tracing, OpenAiProvider::authorize);
    }

    @Override
    public Future<ChatResponse> chat(Deployment d, ChatRequest request) {
        return plainAnswer(d, request).compose(bytes -> decode(bytes, d));
    }

    /** As {@link #chat}, with the upstream's body passed on as it came (model renamed) when it has the usual shape. */
    @Override
    public Future<RelayedAnswer> relay(Deployment d, ChatRequest request) {
        return plainAnswer(d, request).compose(bytes -> {
            RelayedAnswer relayed = PlainResponseRelay.relay(bytes, d.publicModel());
            if (relayed != null) return Future.succeededFuture(relayed);
            return decode(bytes, d).map(r -> ChatEncoder.encodedAnswer(r.withModel(d.publicModel())));
        });
    }

    /** The body of the upstream's successful answer to a plain (not streamed) request; any other status fails. */
    private Future<byte[]> plainAnswer(Deployment d, ChatRequest request) {
        byte[] body = ChatEncoder.upstreamRequestBytes(request.withStream(false, false), d.upstreamModel(), d.maxTokensParam());
        return transport.exchange(d, chatUrl(d), body).compose(answer -> {
            HttpClientResponse resp = answer.response();
            Buffer buf = answer.body();
            if (resp.statusCode() / 100 != 2) return Future.failedFuture(statusError(resp, buf, d));
            return Future.succeededFuture(buf.getBytes());
        });
    }

    private static Future<ChatResponse> decode(byte[] body, Deployment d) {
        try {
            return Future.succeededFuture(UpstreamDecoder.response(body));
        } catch (JsonProcessingException e) {
            return Future.failedFuture(malformed(d, "the body is not valid JSON (" + e.getOriginalMessage() + ")"));
        } catch (IOException | UpstreamDecoder.MalformedUpstreamException e) {
            return Future.failedFuture(malformed(d, e.getMessage()));
        }
    }

    @Override
    public Future<Void> stream(Deployment d, ChatRequest request, StreamSink sink) {
        byte[] body = ChatEncoder.upstreamRequestBytes(request.withStream(true, true), d.upstreamModel(), d.maxTokensParam());
        return transport.post(d, chatUrl(d), body).compose(resp -> {
            if (resp.statusCode() / 100 != 2) return transport.readBody(resp, d).compose(buf -> Future.failedFuture(statusError(resp, buf, d)));
            String type = resp.getHeader("content-type");
            if (type != null && !type.startsWith("text/event-stream")) {
                return transport.readBody(resp, d).compose(buf -> Future.failedFuture(
                        malformed(d, "it answered a stream request with " + type + " instead of text/event-stream")));
            }
            Promise<Void> done = Promise.promise();
            boolean[] sawEnd = {false};
            SseLineParser parser = new SseLineParser(data -> {
                if (done.future().isComplete()) return;
                if (isDone(data)) {
                    sawEnd[0] = true;
                    return;
                }
                StreamChunkReader.WithText read = StreamChunkReader.readWithText(data);
                ChatChunk chunk = read == null ? null : read.chunk();
                ChunkText text = read == null ? null : read.text();
                if (chunk == null) {
                    JsonNode n = Json.parseOrNull(new String(data, StandardCharsets.UTF_8));
                    if (n == null || !n.isObject()) {
                        cut(done, resp, malformed(d, "a stream event is not a JSON object"));
                        return;
                    }
                    if (n.has("error")) {
                        cut(done, resp, new ApiException(ErrorKind.UPSTREAM_ERROR, "Upstream " + d.id() + " reported an error mid-stream: "
                                + UpstreamText.safe(n.path("error").path("message").asText(n.path("error").toString())), null, "upstream_error"));
                        return;
                    }
                    chunk = UpstreamDecoder.chunk(n);
                }
                for (ChatChunk.Delta delta : chunk.choices()) if (delta.finishReason() != null) sawEnd[0] = true;
                sink.onChunk(chunk, text);
            });
            transport.readStream(resp, d, done, sink, parser::feed);
            resp.endHandler(v -> {
                parser.finish();
                if (sawEnd[0]) done.tryComplete();
                else done.tryFail(truncated(d));
            });
            return done.future();
        });
    }

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    /** The data starts with {@code [DONE]}, OpenAI's end of stream. */
    private static boolean isDone(byte[] data) {
        return data.length >= DONE.length && Arrays.equals(data, 0, DONE.length, DONE, 0, DONE.length);
    }

    @Override
    public Future<EmbeddingProvider.Result> embed(Deployment d, EmbeddingProvider.Request request) {
        var body = Json.object();
        body.put("model", d.upstreamModel());
        if (request.texts() != null) {
            var arr = body.putArray("input");
            request.texts().forEach(arr::add);
        } else {
            body.set("input", request.rawInput());
        }
        body.put("encoding_format", "float");
        if (request.dimensions() != null) body.put("dimensions", request.dimensions());
        if (request.user() != null) body.put("user", request.user());
        return postJson(d, "/embeddings", Json.bytes(body)).map(json -> {
            java.util.List<float[]> vectors = new java.util.ArrayList<>();
            for (JsonNode item : json.path("data")) {
                JsonNode e = item.path("embedding");
                float[] v = new float[e.size()];
                for (int i = 0; i < v.length; i++) v[i] = (float) e.get(i).asDouble();
                vectors.add(v);
            }
            if (vectors.isEmpty()) throw malformed(d, "no 'data' in the embeddings answer");
            return new EmbeddingProvider.Result(vectors, json.path("usage").path("prompt_tokens").asInt(0));
        });
    }

    @Override
    public Future<ImageProvider.Result> generate(Deployment d, ImageProvider.Request request) {
        var body = Json.object();
        body.put("model", d.upstreamModel());
        body.put("prompt", request.prompt());
        body.put("n", request.n());
        if (request.size() != null) body.put("size", request.size());
        if (request.quality() != null) body.put("quality", request.quality());
        if (request.style() != null) body.put("style", request.style());
        if (!d.upstreamModel().startsWith("gpt-image")) body.put("response_format", request.b64() ? "b64_json" : "url");
        return postJson(d, "/images/generations", Json.bytes(body)).map(json -> {
            java.util.List<ImageProvider.Image> images = new java.util.ArrayList<>();
            for (JsonNode item : json.path("data")) {
                images.add(new ImageProvider.Image(null, item.path("url").isTextual() ? item.path("url").asText() : null,
                        item.path("b64_json").isTextual() ? item.path("b64_json").asText() : null,
                        item.path("revised_prompt").isTextual() ? item.path("revised_prompt").asText() : null));
            }
            return new ImageProvider.Result(images);
        });
    }

    /** POSTs a JSON body to an upstream path and parses the JSON answer, mapping errors like chat does. */
    private Future<JsonNode> postJson(Deployment d, String path, byte[] body) {
        return transport.post(d, d.baseUrl() + path, body).compose(resp -> transport.readBody(resp, d).compose(buf -> {
            if (resp.statusCode() / 100 != 2) return Future.failedFuture(statusError(resp, buf, d));
            JsonNode json = Json.parseOrNull(buf.toString());
            if (json == null || !json.isObject()) return Future.failedFuture(malformed(d, "the body is not a JSON object"));
            return Future.succeededFuture(json);
        }));
    }

    private static ApiException statusError(HttpClientResponse resp, Buffer body, Deployment d) {
        return OpenAiErrorMapper.fromStatus(resp.statusCode(), body.toString(), resp.getHeader("retry-after"), d.id());
    }

    private static final CharSequence AUTHORIZATION = HttpHeaders.AUTHORIZATION;
    /** "Bearer KEY" per upstream key, made once (as bytes, like the header names). */
    private static final Map<String, CharSequence> BEARER = new ConcurrentHashMap<>();

    private static void authorize(HttpClientRequest req, Deployment d) {
        String key = d.apiKey();
        if (key == null) return;
        CharSequence value = BEARER.get(key);
        if (value == null) {
            value = HttpHeaders.createOptimized("Bearer " + key);
            if (BEARER.size() < 1_000) BEARER.put(key, value);
        }
        req.putHeader(AUTHORIZATION, value);
    }

    /** The chat completions URL of each base URL, made once. */
    private final Map<String, String> chatUrls = new ConcurrentHashMap<>();

    private String chatUrl(Deployment d) {
        String url = chatUrls.get(d.baseUrl());
        if (url == null) {
            url = d.baseUrl() + "/chat/completions";
            if (chatUrls.size() < 10_000) chatUrls.put(d.baseUrl(), url);
        }
        return url;
    }
}
