package dev.tokengate.pipeline;

import dev.tokengate.billing.Balances;
import dev.tokengate.billing.Hold;
import dev.tokengate.billing.Ids;
import dev.tokengate.billing.UsageRecord;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.ContentPart;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Price;
import dev.tokengate.core.Usage;
import dev.tokengate.ratelimit.Decision;
import dev.tokengate.ratelimit.RateLimitHeaders;
import dev.tokengate.ratelimit.RateLimiter;
import dev.tokengate.tokens.Tokenizer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission in two steps, cheapest first: the key's rate limits, then a hold on the user's balance for the request's
 * worst case (its prompt tokens plus the most output it may produce, at the dearest deployment it may be routed to).
 * Finishing settles the hold to the actual cost at the serving deployment's price and gives the limiter the actual
 * tokens.
 *
 * @param balances null when billing is off
 */
public record LimitsAndBalances(Vertx vertx, Balances balances, RateLimiter limiter, GatewayConfig.RateLimits limits,
                                GatewayConfig.Billing billing, InstantSource clock) implements Accounting {
    private static final Logger LOG = LoggerFactory.getLogger(LimitsAndBalances.class);
    /** Prompts longer than this are counted on a worker thread: tokenizing them would hold up an event loop. */
    private static final long COUNT_ON_WORKER_ABOVE_CHARS = 16_384;
    private static final AtomicLong lastLimiterWarning = new AtomicLong();

    @Override
    public Future<Ticket> admit(Caller caller, ChatRequest request, List<Deployment> candidates) {
        long started = System.nanoTime();
        GatewayConfig.RateLimit limit = caller.keyId() == null ? GatewayConfig.RateLimit.NONE : limits.forTier(caller.user().tier());
        if (limit.none() && balances == null) return Future.succeededFuture(NO_TICKET);
        if (!countOnWorker(request)) return admit(caller, request, candidates, limit, Tokenizer.countPrompt(request.messages()), started);
        return vertx.executeBlocking(() -> Tokenizer.countPrompt(request.messages()), false)
                .compose(promptTokens -> admit(caller, request, candidates, limit, promptTokens, started));
    }

    @Override
    public Future<Ticket> admit(Caller caller, String model, long rateTokens, long worstCaseMicros) {
        long started = System.nanoTime();
        GatewayConfig.RateLimit limit = caller.keyId() == null ? GatewayConfig.RateLimit.NONE : limits.forTier(caller.user().tier());
        if (limit.none() && balances == null) return Future.succeededFuture(NO_TICKET);
        return admitCounted(caller, model, limit, rateTokens, () -> worstCaseMicros, started);
    }

    private static boolean countOnWorker(ChatRequest request) {
        long chars = 0;
        for (ChatMessage m : request.messages()) {
            if (m.content() == null) continue;
            for (ContentPart p : m.content()) if (p instanceof ContentPart.Text t) chars += t.text().length();
        }
        return chars > COUNT_ON_WORKER_ABOVE_CHARS;
    }

    private Future<Ticket> admit(Caller caller, ChatRequest request, List<Deployment> candidates, GatewayConfig.RateLimit limit,
                                 int promptTokens, long started) {
        return admitCounted(caller, request.model(), limit, rateTokens(request, promptTokens),
                () -> worstCaseMicros(request, promptTokens, candidates), started);
    }

    private Future<Ticket> admitCounted(Caller caller, String model, GatewayConfig.RateLimit limit, long rateTokens,
                                        LongSupplier worstCase, long started) {
        if (limit.none()) return hold(caller, model, null, limit, worstCase, started);
        Future<Decision> limited = limiter.acquire(scope(caller.keyId()), limit, rateTokens);
        // the local limiter answers at once: go on without composing futures
        if (limited.succeeded()) return hold(caller, model, limited.result(), limit, worstCase, started);
        return limited.recover(e -> limiterDown(e, limit)).compose(decision -> hold(caller, model, decision, limit, worstCase, started));
    }

    /** The limiter's scope of a key ("key:" and its id), made once per key. */
    private static final java.util.concurrent.ConcurrentHashMap<String, String> SCOPES = new java.util.concurrent.ConcurrentHashMap<>();

    private static String scope(String keyId) {
        String s = SCOPES.get(keyId);
        if (s != null) return s;
        s = "key:" + keyId;
        if (SCOPES.size() < 100_000) SCOPES.put(keyId, s);
        return s;
    }

    /** After the limits (a null decision: none apply, or the limiter is down and fails open): the balance hold. */
    private Future<Ticket> hold(Caller caller, String model, Decision decision, GatewayConfig.RateLimit limit,
                                LongSupplier worstCase, long started) {
        if (decision != null) {
            RateLimitHeaders.write(decision, caller.headers());
            if (!decision.granted()) return Future.failedFuture(tooMany(decision, limit));
        }
        if (balances == null) return Future.succeededFuture(new Metered(caller, model, null, decision, started));
        Future<Hold> held = balances.reserve(caller.user().id(), worstCase.getAsLong());
        if (held.isComplete()) {
            if (held.succeeded()) return Future.succeededFuture(new Metered(caller, model, held.result(), decision, started));
            releaseUnused(decision);
            return Future.failedFuture(held.cause());
        }
        return held.<Ticket>map(hold -> new Metered(caller, model, hold, decision, started)).andThen(ar -> {
            if (ar.failed()) releaseUnused(decision);
        });
    }

    private void releaseUnused(Decision decision) {
        if (decision != null && decision.granted()) limiter.release(decision.permit(), 0);
    }

    /** The tokens a request counts for at admission, as OpenAI counts them: the prompt plus max_tokens when given. */
    private static long rateTokens(ChatRequest r, int promptTokens) {
        return promptTokens + (r.maxTokens() == null ? 0 : (long) r.maxTokens() * r.n());
    }

    long worstCaseMicros(ChatRequest r, int promptTokens, List<Deployment> candidates) {
        long worst = 0;
        for (Deployment d : candidates) {
            long cap = billing.outputCap(d.publicModel());
            long output = (r.maxTokens() == null ? cap : Math.min(r.maxTokens(), cap)) * r.n();
            Price p = d.price();
            long input = Math.max(p.inputMicrosPerM(), p.cachedInputMicrosPerM());
            long numerator = saturatingAdd(saturatingMultiply(promptTokens, input), saturatingMultiply(output, p.outputMicrosPerM()));
            worst = Math.max(worst, numerator == Long.MAX_VALUE ? Long.MAX_VALUE : (numerator + 999_999) / 1_000_000);
        }
        return worst;
    }

    private static long saturatingMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }

    private static long saturatingAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    private Future<Decision> limiterDown(Throwable e, GatewayConfig.RateLimit limit) {
        long now = System.currentTimeMillis();
        long last = lastLimiterWarning.get();
        if (now - last > 10_000 && lastLimiterWarning.compareAndSet(last, now)) {
            LOG.warn("rate limiter unreachable ({}); failing {}", e.getMessage(), limits.failOpen() ? "open" : "closed");
        }
        if (limits.failOpen()) return Future.succeededFuture(null);
        return Future.failedFuture(new ApiException(ErrorKind.UNAVAILABLE, "Rate limits cannot be checked right now (the "
                + "shared rate-limit store is unreachable), so requests are refused; try again shortly.", null,
                "rate_limiter_unavailable", 1, null));
    }

    private static ApiException tooMany(Decision d, GatewayConfig.RateLimit limit) {
        int retry = RateLimitHeaders.retryAfterSeconds(d.retryAfterMs());
        String message = switch (d.refusedBy()) {
            case "requests" -> "Rate limit reached for requests per minute on this API key: limit " + limit.requestsPerMinute()
                    + ", used " + d.usedRequests() + ". Please try again in " + retry + "s.";
            case "tokens" -> "Rate limit reached for tokens per minute on this API key: limit " + limit.tokensPerMinute()
                    + ", used " + d.usedTokens() + " (a request counts its prompt plus max_tokens). Please try again in "
                    + retry + "s.";
            default -> "Too many concurrent requests on this API key: limit " + limit.concurrentRequests()
                    + ". Please try again when one has finished.";
        };
        return new ApiException(ErrorKind.RATE_LIMITED, message, null, "rate_limit_exceeded", retry, null);
    }

    /** One admitted request: finishing it twice does nothing the second time. */
    private final class Metered implements Ticket {
        private final Caller caller;
        private final String model;
        private final Hold hold;
        private final Decision decision;
        private final long started;
        private final AtomicBoolean finished = new AtomicBoolean();

        Metered(Caller caller, String model, Hold hold, Decision decision, long started) {
            this.caller = caller;
            this.model = model;
            this.hold = hold;
            this.decision = decision;
            this.started = started;
        }

        @Override
        public void finish(Deployment servedBy, Usage usage, int status, boolean stream) {
            finish(servedBy, usage, servedBy == null ? 0 : servedBy.price().costMicros(usage), false, status, stream);
        }

        @Override
        public void finish(Deployment servedBy, Usage usage, long cost, boolean cacheHit, int status, boolean stream) {
            if (!finished.compareAndSet(false, true)) return;
            if (decision != null && decision.granted()) limiter.release(decision.permit(), cacheHit ? 0 : usage.totalTokens());
            if (hold == null) return;
            long now = clock.millis();
            // a job's paid call has an id of its own: settling it again (the job re-ran after a crash) charges nothing
            boolean once = caller.paidCalls() != null && cost > 0;
            String id = once ? "usage_" + caller.requestId() + "_" + caller.paidCalls().incrementAndGet() : Ids.next("usage_", now);
            UsageRecord record = new UsageRecord(id, caller.requestId(), caller.user().id(),
                    caller.keyId(), servedBy == null ? model : servedBy.publicModel(),
                    servedBy == null ? null : servedBy.id(), usage.promptTokens(), usage.completionTokens(),
                    usage.cachedPromptTokens(), cost, 0, (System.nanoTime() - started) / 1_000_000, status, cacheHit, stream, now);
            balances.settle(hold, cost, record, once);
        }
    }

    @Override
    public Future<Void> settlementsWritten() {
        return balances == null ? Future.succeededFuture() : balances.flush();
    }

    @Override
    public void close() {
        limiter.close();
        if (balances != null) balances.close();
    }
}
