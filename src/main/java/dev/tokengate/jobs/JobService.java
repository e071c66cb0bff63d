package dev.tokengate.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.accounts.User;
import dev.tokengate.callbacks.UrlGuard;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.Json;
import dev.tokengate.pipeline.ModelCatalog;
import dev.tokengate.tokens.Tokenizer;
import dev.tokengate.wire.jobs.JobSpec;
import dev.tokengate.wire.openai.ChatEncoder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The job API's rules: tiers (models, batch size, tokens per request), idempotency, and turning specs into jobs. */
public final class JobService {
    private final Vertx vertx;
    private final JobEngine engine;
    private final ModelCatalog catalog;
    private final Map<String, GatewayConfig.Tier> tiers;
    private final UrlGuard guard;
    private final InstantSource clock;

    public JobService(Vertx vertx, JobEngine engine, ModelCatalog catalog, Map<String, GatewayConfig.Tier> tiers,
                      UrlGuard guard, InstantSource clock) {
        this.vertx = vertx;
        this.engine = engine;
        this.catalog = catalog;
        this.tiers = tiers;
        this.guard = guard;
        this.clock = clock;
    }

    public JobEngine engine() {
        return engine;
    }

    /** Creates one job, or returns the job an earlier request with the same idempotency key created. */
    public Future<Job> create(User user, JobSpec spec, String idempotencyKey) {
        Job job = toJob(user, spec, "", idempotencyKey);
        Future<Void> checked = checkCallbacks(List.of(spec), "");
        if (idempotencyKey == null) return checked.compose(v -> engine.submit(List.of(job))).map(l -> l.get(0));
        return checked.compose(v -> engine.findByIdempotencyKey(user.id(), idempotencyKey)).compose(existing -> {
            if (existing.isPresent()) return Future.succeededFuture(existing.get());
            return engine.submit(List.of(job)).map(l -> l.get(0))
                    .recover(e -> engine.findByIdempotencyKey(user.id(), idempotencyKey)
                            .compose(raced -> raced.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(e))));
        });
    }

    /** Creates the jobs of a batch request in one transaction; the tier limits how many. */
    public Future<List<Job>> createBatch(User user, List<JobSpec> specs) {
        GatewayConfig.Tier tier = tier(user);
        if (specs.size() > tier.batchSize()) {
            throw ApiException.invalid(null, "Batch size " + specs.size() + " exceeds the " + user.tier() + " limit of "
                    + tier.batchSize() + " jobs per request.", "batch_size_limit");
        }
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) jobs.add(toJob(user, specs.get(i), "[" + i + "].", null));
        return checkCallbacks(specs, "[%d].").compose(v -> engine.submit(jobs));
    }

    public Future<Job> get(User user, String id) {
        return engine.find(id).map(found -> found.filter(j -> j.userId().equals(user.id()))
                .orElseThrow(() -> ApiException.notFound("Job " + id + " not found.")));
    }

    private Future<Void> checkCallbacks(List<JobSpec> specs, String prefixFormat) {
        if (specs.stream().allMatch(s -> s.callback() == null)) return Future.succeededFuture();
        return vertx.executeBlocking(() -> {
            for (int i = 0; i < specs.size(); i++) {
                if (specs.get(i).callback() != null) {
                    guard.check(specs.get(i).callback().url(), String.format(prefixFormat, i) + "callback.callback_url");
                }
            }
            return null;
        }, false);
    }

    private GatewayConfig.Tier tier(User user) {
        GatewayConfig.Tier tier = tiers.get(user.tier());
        if (tier == null) throw ApiException.forbidden("Unknown tier '" + user.tier() + "'.");
        return tier;
    }

    private Job toJob(User user, JobSpec spec, String at, String idempotencyKey) {
        GatewayConfig.Tier tier = tier(user);
        GatewayConfig.Model model = catalog.find(spec.model()).orElseThrow(() -> ApiException.invalid(at + "model",
                "Invalid model '" + spec.model() + "'. Options: " + String.join(", ", catalog.all().stream().map(GatewayConfig.Model::name).toList()) + "."));
        if (!tier.allows(model.name())) throw ApiException.forbidden(ModelCatalog.tierDenied(user.tier(), model.name()));
        int tokens = Tokenizer.countPrompt(spec.messages());
        if (tokens > tier.maxTokens()) {
            throw ApiException.invalid(at + "messages", "The request has " + tokens + " tokens; the " + user.tier()
                    + " plan allows at most " + tier.maxTokens() + " tokens per request.", "max_tokens_exceeded");
        }
        long now = clock.millis();
        return Job.newJob(UUID.randomUUID().toString(), user.id(), "message", null, null, model.name(), chatBody(spec),
                spec.schema() == null ? null : Json.text(spec.schema()), spec.cacheTtlSeconds(), idempotencyKey,
                callback(spec.callback()), now);
    }

    /** The job as an OpenAI chat completion body; a JSON format becomes structured output with the caller's schema. */
    static String chatBody(JobSpec spec) {
        ObjectNode body = Json.object();
        body.put("model", spec.model());
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : spec.messages()) messages.add(ChatEncoder.message(m));
        if (spec.schema() != null) {
            ObjectNode js = body.putObject("response_format").put("type", "json_schema").putObject("json_schema");
            js.put("name", "response");
            js.set("schema", spec.schema());
        }
        return Json.text(body);
    }

    private static String callback(JobSpec.Callback cb) {
        if (cb == null) return null;
        ObjectNode o = Json.object();
        o.put("url", cb.url());
        ObjectNode h = o.putObject("headers");
        cb.headers().forEach(h::put);
        if (cb.payload() != null) o.set("payload", cb.payload());
        return Json.text(o);
    }
}
