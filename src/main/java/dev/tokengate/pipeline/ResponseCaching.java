package dev.tokengate.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.accounts.Secrets;
import dev.tokengate.cache.ResponseCache;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Json;
import dev.tokengate.core.StreamSink;
import dev.tokengate.core.Usage;
import dev.tokengate.wire.openai.ChatEncoder;
import dev.tokengate.wire.openai.UpstreamDecoder;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The response cache in front of the chat pipeline: the opt-in cache of /v1/chat/completions and the job API's message
 * cache. A hit never reaches an upstream; it is still admitted (rate limits count it as a request with no tokens, the
 * balance must cover its price) and written to the ledger as a usage record with {@code cache_hit} true, costing
 * {@code billing.cache_hit_percent} of what the cached answer cost. Entries belong to one user.
 */
public final class ResponseCaching {
    /** The response header that tells a client whether its answer came from the cache. */
    public static final String STATUS_HEADER = "x-tokengate-cache";

    private final ChatService chat;
    private final ResponseCache cache;
    private final Accounting accounting;
    private final GatewayConfig.Billing billing;

    public ResponseCaching(ChatService chat, ResponseCache cache, Accounting accounting, GatewayConfig.Billing billing) {
        this.chat = chat;
        this.cache = cache;
        this.accounting = accounting;
        this.billing = billing;
    }

    /** A cached answer: the response as its first client got it, and what it cost at its deployment's price. */
    public record Entry(ChatResponse response, long costMicros) {
        String toJson() {
            ObjectNode o = Json.object();
            o.put("cost_micros", costMicros);
            o.set("response", ChatEncoder.response(response));
            return Json.text(o);
        }

        static Entry fromJson(String text) {
            JsonNode o = Json.parseOrNull(text);
            if (o == null || !o.path("response").isObject()) return null;
            try {
                return new Entry(UpstreamDecoder.response(o.path("response")), o.path("cost_micros").asLong());
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    /** A cached answer served: the response, its tokens (not charged), and what the hit cost. */
    public record Hit(ChatResponse response, Usage usage, long priceMicros) {
        ChatService.Served<ChatResponse> served() {
            return new ChatService.Served<>(response, response.model(), null, usage);
        }
    }

    /** The key of a chat request: its user and the whole request as an upstream would get it, keys sorted. */
    public static String chatKey(String userId, ChatRequest request) {
        JsonNode normalized = sorted(ChatEncoder.upstreamRequest(request.withStream(false, false), request.model()));
        return "chat:" + Secrets.sha256Hex(userId + "\n" + Json.text(normalized));
    }

    /** As {@link ChatService#complete(Caller, ChatRequest)}, answered from the cache when it holds the request. */
    public Future<ChatService.Served<ChatResponse>> complete(Caller caller, ChatRequest request, int ttlSeconds) {
        String key = chatKey(caller.user().id(), request);
        return hit(caller, key, false).compose(hit -> {
            caller.headers().accept(STATUS_HEADER, hit != null ? "hit" : "miss");
            if (hit != null) return Future.succeededFuture(hit.served());
            return chat.complete(caller, request).andThen(ar -> {
                if (ar.succeeded()) store(key, ar.result(), ttlSeconds);
            });
        });
    }

    /** As {@link ChatService#stream(Caller, ChatRequest, StreamSink)}; a hit is replayed as chunks. */
    public Future<ChatService.Served<Void>> stream(Caller caller, ChatRequest request, StreamSink sink, int ttlSeconds) {
        String key = chatKey(caller.user().id(), request);
        return hit(caller, key, true).compose(hit -> {
            caller.headers().accept(STATUS_HEADER, hit != null ? "hit" : "miss");
            if (hit != null) {
                StreamReplay.replay(hit.response(), sink);
                return Future.succeededFuture(new ChatService.Served<Void>(null, hit.response().model(), null, hit.usage()));
            }
            StreamRecorder recorder = new StreamRecorder(sink);
            return chat.stream(caller, request, recorder).andThen(ar -> {
                if (ar.succeeded() && !recorder.cancelled()) {
                    ChatService.Served<Void> s = ar.result();
                    ChatResponse whole = recorder.response();
                    store(key, new ChatService.Served<>(whole, s.model(), s.deployment(), s.usage()), ttlSeconds);
                }
            });
        });
    }

    /**
     * The cached answer for {@code key}, admitted and recorded in the ledger as a hit; null on a miss.
     */
    public Future<Hit> hit(Caller caller, String key, boolean stream) {
        return cache.get(key).compose(text -> {
            Entry entry = text == null ? null : Entry.fromJson(text);
            if (entry == null) return Future.succeededFuture();
            ChatResponse r = entry.response();
            Usage usage = r.usage() == null ? Usage.ZERO : r.usage();
            long price = billing.cacheHitMicros(entry.costMicros());
            return accounting.admit(caller, r.model(), 0, price).map(ticket -> {
                ticket.finish(null, usage, price, true, 200, stream);
                return new Hit(r, usage, price);
            });
        });
    }

    /** Keeps a served answer for {@code ttlSeconds}, with its cost at the deployment that served it. */
    public void store(String key, ChatService.Served<ChatResponse> served, int ttlSeconds) {
        if (served.deployment() == null || served.value() == null) return;
        long cost = served.deployment().price().costMicros(served.usage());
        cache.put(key, new Entry(served.value(), cost).toJson(), ttlSeconds);
    }

    private static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            List<String> names = new ArrayList<>();
            n.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            ObjectNode o = Json.object();
            for (String name : names) o.set(name, sorted(n.get(name)));
            return o;
        }
        if (n.isArray()) {
            var a = Json.array();
            for (JsonNode x : n) a.add(sorted(x));
            return a;
        }
        return n;
    }
}
