package dev.tokengate.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.accounts.Secrets;
import dev.tokengate.accounts.User;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import dev.tokengate.pipeline.Caller;
import dev.tokengate.pipeline.ChatService;
import dev.tokengate.pipeline.ResponseCaching;
import dev.tokengate.schema.JsonSchemas;
import dev.tokengate.wire.openai.ChatEncoder;
import dev.tokengate.wire.openai.ChatRequestDecoder;
import io.vertx.core.Future;
import java.util.List;

/**
 * Runs one attempt of a job: the message cache first, then the chat pipeline; a JSON answer is checked against the
 * job's schema and asked for once more when it does not match.
 */
public final class JobRunner {
    /** A failure that retrying cannot fix (for example output that twice failed its schema). */
    public static final class PermanentFailure extends RuntimeException {
        private final ApiException error;

        PermanentFailure(ApiException error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }

        public ApiException error() { return error; }
    }

    private final ChatService chat;
    private final ResponseCaching cache;

    public JobRunner(ChatService chat, ResponseCaching cache) {
        this.chat = chat;
        this.cache = cache;
    }

    public Future<Job.Outcome> run(Job job, User user) {
        ChatRequest request;
        try {
            request = ChatRequestDecoder.decode(Json.parse(job.request().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (ApiException e) {
            return Future.failedFuture(new PermanentFailure(e));
        }
        String cacheKey = job.cacheTtlSeconds() == null ? null : cacheKey(job.userId(), request);
        Caller caller = Caller.queuedJob(user, job.id());
        if (cacheKey == null) return call(job, caller, request, null);
        // a hit is recorded in the ledger as a cache hit (see ResponseCaching), never charged upstream tokens
        return cache.hit(caller, cacheKey, false).compose(hit -> hit == null ? call(job, caller, request, cacheKey)
                : Future.succeededFuture(new Job.Outcome(hit.response().model(), hit.response().firstText(),
                        Json.text(ChatEncoder.response(hit.response())), null, null, null, hit.usage().promptTokens(),
                        hit.usage().completionTokens(), hit.priceMicros(), true, 0L, 0L)));
    }

    private Future<Job.Outcome> call(Job job, Caller caller, ChatRequest request, String cacheKey) {
        JsonNode schema = job.outputSchema() == null ? null : Json.parseOrNull(job.outputSchema());
        long start = System.nanoTime();
        // the charge is made durable before the outcome can be stored: a crash in between re-runs the job, and the
        // re-run's charge has the same usage id (Caller.job), so the ledger takes it once
        return attempt(caller, request, schema, true).compose(served -> chat.settlementsWritten().map(served)).map(served -> {
            ChatResponse r = served.value();
            long duration = System.nanoTime() - start;
            Job.Outcome outcome = new Job.Outcome(served.model(), r.firstText(), new String(ChatEncoder.responseBytes(r), java.nio.charset.StandardCharsets.UTF_8), null, null,
                    null, served.usage().promptTokens(), served.usage().completionTokens(),
                    served.deployment().price().costMicros(served.usage()), false, duration, duration);
            if (cacheKey != null) cache.store(cacheKey, served, job.cacheTtlSeconds());
            return outcome;
        });
    }

    private Future<ChatService.Served<ChatResponse>> attempt(Caller caller, ChatRequest request, JsonNode schema, boolean mayRetry) {
        return chat.complete(caller, request).compose(served -> {
            if (schema == null) return Future.succeededFuture(served);
            List<String> errors = JsonSchemas.validate(schema, served.value().firstText());
            if (errors.isEmpty()) return Future.succeededFuture(served);
            if (mayRetry) return attempt(caller, request, schema, false);
            return Future.failedFuture(new PermanentFailure(new ApiException(ErrorKind.UPSTREAM_ERROR,
                    "The model's output did not match the requested JSON schema after a retry: "
                            + String.join("; ", errors.subList(0, Math.min(3, errors.size()))), null, "invalid_json_output")));
        });
    }

    /** Same user, model, messages and response format: the identity of a cacheable request. */
    static String cacheKey(String userId, ChatRequest r) {
        StringBuilder sb = new StringBuilder(userId).append('\n').append(r.model()).append('\n');
        for (ChatMessage m : r.messages()) sb.append(Json.text(ChatEncoder.message(m))).append('\n');
        sb.append(r.responseFormat());
        return "job:" + Secrets.sha256Hex(sb.toString());
    }
}
