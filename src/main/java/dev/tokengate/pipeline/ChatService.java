package dev.tokengate.pipeline;

import dev.tokengate.accounts.User;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.ChunkText;
import dev.tokengate.core.Deadline;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.Provider;
import dev.tokengate.core.RelayedAnswer;
import dev.tokengate.core.RelayingProvider;
import dev.tokengate.core.StreamSink;
import dev.tokengate.core.Usage;
import dev.tokengate.wire.openai.ChatEncoder;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a chat request through the pipeline: route (model, tier, alias) -> pick deployment -> provider call, moving on to
 * the next deployment or alias candidate when one fails in a retryable way. A stream never moves on once a chunk has
 * reached the client.
 */
public final class ChatService {
    private final ModelCatalog catalog;
    private final Map<String, Provider> providers;
    private final Map<String, GatewayConfig.Tier> tiers;
    private final Attempts attempts;
    private final Accounting accounting;

    public ChatService(ModelCatalog catalog, Map<String, Provider> providers, Map<String, GatewayConfig.Tier> tiers, Attempts attempts) {
        this(catalog, providers, tiers, attempts, Accounting.OFF);
    }

    public ChatService(ModelCatalog catalog, Map<String, Provider> providers, Map<String, GatewayConfig.Tier> tiers, Attempts attempts,
                       Accounting accounting) {
        this.catalog = catalog;
        this.providers = providers;
        this.tiers = tiers;
        this.attempts = attempts;
        this.accounting = accounting;
    }

    /** What served a request: the public model, its deployment, and the usage to bill. */
    public record Served<T>(T value, String model, Deployment deployment, Usage usage) {}

    public List<Deployment> plan(User user, String model) {
        GatewayConfig.Tier tier = tiers.get(user.tier());
        if (tier == null) throw ApiException.forbidden("Unknown tier '" + user.tier() + "'.");
        List<Deployment> attempts = new ArrayList<>();
        for (String m : catalog.route(model, tier, user.tier())) attempts.addAll(catalog.order(m));
        if (attempts.isEmpty()) throw ApiException.modelNotFound(model);
        return attempts;
    }

    /** Completes when the charges of every call finished so far are written to the ledger. */
    public Future<Void> settlementsWritten() {
        return accounting.settlementsWritten();
    }

    /** Admits (limits, balance), calls the upstreams, and finishes the admission however the call ends. */
    public Future<Served<ChatResponse>> complete(Caller caller, ChatRequest request) {
        return admitted(caller, request, plan -> completeOn(plan, request, caller.queued(), caller.deadline()));
    }

    /**
     * As {@link #complete}, for a client of the OpenAI Chat Completions API: the answer as the bytes it gets. A
     * {@link RelayingProvider} passes its upstream's body on; any other provider's answer is encoded here.
     */
    public Future<Served<RelayedAnswer>> relay(Caller caller, ChatRequest request) {
        return admitted(caller, request, plan -> relayOn(plan, request, caller.queued(), caller.deadline()));
    }

    /** Admits a plain (not streamed) call over the request's plan and finishes the admission however the call ends. */
    private <T> Future<Served<T>> admitted(Caller caller, ChatRequest request,
                                           java.util.function.Function<List<Deployment>, Future<Served<T>>> call) {
        List<Deployment> plan = plan(caller.user(), request.model());
        return accounting.admit(caller, request, plan).compose(ticket ->
                guarded(() -> call.apply(plan)).andThen(ar -> {
                    if (ar.succeeded()) ticket.finish(ar.result().deployment(), ar.result().usage(), 200, false);
                    else ticket.finish(null, Usage.ZERO, asApi(ar.cause()).kind().status(), false);
                }));
    }

    private Future<Served<RelayedAnswer>> relayOn(List<Deployment> plan, ChatRequest request, boolean queued, Deadline deadline) {
        return attempts.run(plan, queued, deadline, d -> {
            Provider p = provider(d);
            ChatRequest renamed = request.withModel(d.publicModel());
            Future<RelayedAnswer> answer = p instanceof RelayingProvider r ? r.relay(d, renamed) : p.chat(d, renamed).map(c -> ChatEncoder.encodedAnswer(c.withModel(d.publicModel())));
            return answer.map(a -> new Served<>(a, d.publicModel(), d, a.usage()));
        });
    }

    private static <T> Future<T> guarded(java.util.function.Supplier<Future<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private Future<Served<ChatResponse>> completeOn(List<Deployment> plan, ChatRequest request, boolean queued, Deadline deadline) {
        return attempts.run(plan, queued, deadline, d -> provider(d).chat(d, request.withModel(d.publicModel())).map(r -> {
            ChatResponse renamed = r.withModel(d.publicModel());
            return new Served<>(renamed, d.publicModel(), d, renamed.usage() == null ? Usage.ZERO : renamed.usage());
        }));
    }

    /**
     * Streams into {@code sink}. The returned future completes with the usage when the stream ends, or fails with a
     * {@link StreamFailure} that tells whether the client already received chunks (then the failure must be reported
     * in-stream, and no other deployment is tried).
     *
     * As {@link #complete(Caller, ChatRequest)}, streaming. A stream is charged the upstream's usage report when it ran
     * to its end; when the client went away, the upstream failed mid-stream, or it reported no usage, it is charged the
     * prompt plus the completion tokens actually delivered (counted with the tokenizer).
     */
    public Future<Served<Void>> stream(Caller caller, ChatRequest request, StreamSink sink) {
        List<Deployment> plan = plan(caller.user(), request.model());
        return accounting.admit(caller, request, plan).compose(ticket -> {
            DeliveredText delivered = new DeliveredText(sink);
            return guarded(() -> streamOn(plan, request, delivered, caller.deadline())).andThen(ar -> {
                if (ar.succeeded()) {
                    Usage reported = ar.result().usage();
                    boolean whole = !delivered.cancelled() && !reported.equals(Usage.ZERO);
                    ticket.finish(ar.result().deployment(), whole ? reported : deliveredUsage(request, reported, delivered),
                            delivered.cancelled() ? CLIENT_CLOSED : 200, true);
                } else if (ar.cause() instanceof StreamFailure f && f.delivered()) {
                    ticket.finish(f.deployment(), deliveredUsage(request, f.usageSoFar(), delivered), f.error().kind().status(), true);
                } else {
                    ticket.finish(null, Usage.ZERO, asApi(ar.cause()).kind().status(), true);
                }
            });
        });
    }

    /** The status recorded for a stream the client abandoned (nginx's "client closed request"). */
    static final int CLIENT_CLOSED = 499;

    private static Usage deliveredUsage(ChatRequest request, Usage reported, DeliveredText delivered) {
        int prompt = reported.promptTokens() > 0 ? reported.promptTokens() : dev.tokengate.tokens.Tokenizer.countPrompt(request.messages());
        return new Usage(prompt, delivered.tokens(), Math.min(prompt, reported.cachedPromptTokens()));
    }

    private Future<Served<Void>> streamOn(List<Deployment> plan, ChatRequest request, StreamSink sink, Deadline deadline) {
        return attempts.run(plan, false, deadline, d -> {
            UsageCapturingSink capture = new UsageCapturingSink(sink, d.publicModel());
            return provider(d).stream(d, request.withModel(d.publicModel()), capture).<Served<Void>>transform(ar -> ar.succeeded()
                    ? Future.succeededFuture(new Served<>(null, d.publicModel(), d, capture.usage()))
                    : Future.failedFuture(new StreamFailure(asApi(ar.cause()), capture.delivered(), capture.usage(), d)));
        });
    }

    private Provider provider(Deployment d) {
        Provider p = providers.get(d.providerType());
        if (p == null) throw ApiException.internal("No provider '" + d.providerType() + "' is available.");
        return p;
    }

    static ApiException asApi(Throwable t) {
        if (t instanceof ApiException a) return a;
        if (t instanceof StreamFailure f) return f.error();
        return ApiException.internal("Internal error: " + t.getClass().getSimpleName());
    }

    /** A stream that failed; {@code delivered} says whether the client already got chunks. */
    public static final class StreamFailure extends RuntimeException {
        private final ApiException error;
        private final boolean delivered;
        private final Usage usageSoFar;
        private final Deployment deployment;

        StreamFailure(ApiException error, boolean delivered, Usage usageSoFar, Deployment deployment) {
            super(error.getMessage(), error, false, false);
            this.error = error;
            this.delivered = delivered;
            this.usageSoFar = usageSoFar;
            this.deployment = deployment;
        }

        public ApiException error() { return error; }

        public boolean delivered() { return delivered; }

        public Usage usageSoFar() { return usageSoFar; }

        public Deployment deployment() { return deployment; }
    }

    /** Renames chunks to the public model, remembers the usage report and whether anything was delivered. */
    private static final class UsageCapturingSink extends WrappingSink {
        private final String model;
        private Usage usage;
        private boolean delivered;

        UsageCapturingSink(StreamSink inner, String model) {
            super(inner);
            this.model = model;
        }

        @Override
        public void onChunk(ChatChunk chunk) {
            if (chunk.usage() != null) usage = chunk.usage();
            delivered = true;
            inner.onChunk(chunk.withModel(model));
        }

        @Override
        public void onChunk(ChatChunk chunk, ChunkText text) {
            if (chunk.usage() != null) usage = chunk.usage();
            delivered = true;
            inner.onChunk(chunk.withModel(model), text);
        }

        Usage usage() {
            return usage == null ? Usage.ZERO : usage;
        }

        boolean delivered() {
            return delivered;
        }
    }
}
