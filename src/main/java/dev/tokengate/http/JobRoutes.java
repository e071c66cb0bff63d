package dev.tokengate.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.accounts.AccountStore;
import dev.tokengate.accounts.Secrets;
import dev.tokengate.accounts.User;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ErrorKind;
import dev.tokengate.core.Json;
import dev.tokengate.jobs.Job;
import dev.tokengate.jobs.JobService;
import dev.tokengate.jobs.JobStatus;
import dev.tokengate.wire.jobs.JobRequestDecoder;
import dev.tokengate.wire.jobs.JobSpec;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The job API of seed 000 under /api/v1, answering in its envelope {@code {success, message, data}}. A synchronous
 * job waits up to its timeout: 200 with the result, 202 with the id to poll, or the failure's status.
 */
final class JobRoutes {
    private final Vertx vertx;
    private final JobService jobs;
    private final RequestAuth auth;
    private final AccountStore accounts;

    JobRoutes(Vertx vertx, JobService jobs, RequestAuth auth, AccountStore accounts) {
        this.vertx = vertx;
        this.jobs = jobs;
        this.auth = auth;
        this.accounts = accounts;
    }

    void mount(Router router) {
        router.post("/api/v1/jobs/messages").handler(ctx -> Handlers.run(ctx, () -> createAndWait(ctx)));
        router.post("/api/v1/jobs/messages/batches").handler(ctx -> Handlers.run(ctx, () -> createBatch(ctx)));
        router.get("/api/v1/jobs/:jobId").handler(ctx -> Handlers.run(ctx, () -> getJob(ctx)));
        router.get("/api/v1/callback-secret").handler(ctx -> Handlers.run(ctx, () -> callbackSecret(ctx)));
    }

    private void createAndWait(RoutingContext ctx) {
        User user = auth.user(ctx);
        JobSpec spec = JobRequestDecoder.decode(Json.parse(Handlers.body(ctx)), "");
        ctx.put(Handlers.MODEL, spec.model());
        String idempotencyKey = idempotencyKey(ctx);
        jobs.create(user, spec, idempotencyKey).onComplete(created -> {
            if (created.failed()) {
                Responses.error(ctx, created.cause());
                return;
            }
            waitAndAnswer(ctx, user, spec, created.result(), spec.timeoutSeconds() * 1000L, false);
        });
    }

    private void waitAndAnswer(RoutingContext ctx, User user, JobSpec spec, Job job, long timeoutMs, boolean recreated) {
        jobs.engine().awaitEnd(job.id(), timeoutMs).onComplete(ar -> {
            if (ar.failed()) {
                ApiException e = Responses.toApi(ar.cause());
                if (e.kind() == ErrorKind.NOT_FOUND && !recreated) {
                    // the job vanished while we waited: create a fresh one and hand out its id (seed 000's 404 recovery)
                    jobs.create(user, spec, null).onComplete(again -> {
                        if (again.failed()) Responses.error(ctx, again.cause());
                        else respond(ctx, 202, "Job not found; a new job was created", data("pending", again.result().id()));
                    });
                } else {
                    Responses.error(ctx, e);
                }
                return;
            }
            Job done = ar.result();
            if (done == null) {
                respond(ctx, 202, "Job created but timed out waiting for completion", data("timeout", job.id()));
            } else if (done.status() == JobStatus.COMPLETED) {
                ObjectNode d = data("completed", done.id());
                d.put("created_at", done.createdAt() / 1000);
                d.putObject("result").put("response_message", done.outcome().result());
                respond(ctx, 200, "Job completed successfully", d);
            } else if (done.status().terminal()) {
                failed(ctx, done);
            } else {
                // an attempt failed in a retryable way (upstream timeout or unavailable): the job is queued for retry
                ObjectNode d = data(done.status().wire(), done.id());
                Job.Outcome last = done.outcome();
                if (last != null) d.put("retry_reason", last.error());
                respond(ctx, 202, "The upstream is unavailable; the job was queued for retry. Poll GET /api/v1/jobs/" + done.id(), d);
            }
        });
    }

    private void failed(RoutingContext ctx, Job job) {
        Job.Outcome o = job.outcome();
        int status = o == null || o.errorStatus() == null ? 500 : o.errorStatus();
        ObjectNode body = Json.object();
        body.put("success", false);
        body.put("message", "Job failed: " + (o == null ? "unknown error" : o.error()));
        ObjectNode d = data("failed", job.id());
        d.put("error", o == null ? null : o.error());
        body.set("data", d);
        Responses.json(ctx, status, body);
    }

    private void createBatch(RoutingContext ctx) {
        User user = auth.user(ctx);
        JsonNode body = Json.parse(Handlers.body(ctx));
        if (!body.isArray()) throw ApiException.invalid(null, "The body must be a JSON array of job requests.");
        if (body.isEmpty()) throw ApiException.invalid(null, "The batch must hold at least one job request.");
        List<JobSpec> specs = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) specs.add(JobRequestDecoder.decode(body.get(i), "[" + i + "]"));
        jobs.createBatch(user, specs).onComplete(ar -> {
            if (ar.failed()) {
                Responses.error(ctx, ar.cause());
                return;
            }
            ObjectNode d = Json.object();
            ArrayNode list = d.putArray("jobs");
            for (Job j : ar.result()) list.add(data(j.status() == JobStatus.ASSIGNED ? "assigned" : "pending", j.id()));
            d.put("count", ar.result().size());
            respond(ctx, 200, "Batch created successfully", d);
        });
    }

    private void getJob(RoutingContext ctx) {
        User user = auth.user(ctx);
        jobs.get(user, ctx.pathParam("jobId")).onComplete(ar -> {
            if (ar.failed()) {
                Responses.error(ctx, ar.cause());
                return;
            }
            respond(ctx, 200, "Job result retrieved successfully", view(ar.result()));
        });
    }

    static ObjectNode view(Job job) {
        ObjectNode d = data(job.status().wire(), job.id());
        d.put("created_at", job.createdAt() / 1000);
        Job.Outcome o = job.outcome();
        d.put("model", o != null && o.servedModel() != null ? o.servedModel() : job.model());
        if (job.status() == JobStatus.COMPLETED && o != null) d.putObject("result").put("response_message", o.result());
        else d.putNull("result");
        if (job.status() == JobStatus.FAILED && o != null) d.put("error", o.error());
        else d.putNull("error");
        if (job.completedAt() == null) d.putNull("completed_at");
        else d.put("completed_at", job.completedAt() / 1000);
        d.put("attempts", job.attempts());
        Job.CallbackStatus cb = job.callbackStatus();
        if (job.callback() == null) {
            d.putNull("callback");
        } else {
            ObjectNode c = d.putObject("callback");
            c.put("state", cb.state());
            c.put("attempts", cb.attempts());
            c.put("last_status_code", cb.statusCode());
            c.put("last_error", cb.error());
        }
        return d;
    }

    private void callbackSecret(RoutingContext ctx) {
        User user = auth.user(ctx);
        vertx.executeBlocking(() -> accounts.callbackSecret(user.id(), Secrets.randomToken(32)), false).onComplete(ar -> {
            if (ar.failed()) Responses.error(ctx, ar.cause());
            else respond(ctx, 200, "Callback signing secret", Json.object().put("secret", ar.result())
                    .put("signature_header", "X-Tokengate-Signature").put("timestamp_header", "X-Tokengate-Timestamp"));
        });
    }

    private static String idempotencyKey(RoutingContext ctx) {
        String k = ctx.request().getHeader("Idempotency-Key");
        if (k == null || k.isBlank()) return null;
        if (k.length() > 255) throw ApiException.invalid("Idempotency-Key", "The Idempotency-Key header must be at most 255 characters.");
        return k;
    }

    private static ObjectNode data(String status, String jobId) {
        ObjectNode d = Json.object();
        d.put("status", status);
        d.put("job_id", jobId);
        return d;
    }

    private static void respond(RoutingContext ctx, int status, String message, ObjectNode data) {
        ObjectNode body = Json.object();
        body.put("success", true);
        body.put("message", message);
        body.set("data", data);
        Responses.json(ctx, status, body);
    }
}
