package dev.tokengate.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.accounts.AccountStore;
import dev.tokengate.accounts.Secrets;
import dev.tokengate.callbacks.CallbackSender;
import dev.tokengate.core.Json;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the callback of a job-API job when it ends, signed with its owner's secret, and records every attempt on the
 * job. The payload: {@code {job_id, status, created_at, completed_at, model, result:{response_message}|null,
 * error|null, callback_payload}}. Callbacks not yet delivered when the gateway stopped are resumed at start-up.
 */
public final class JobCallbacks {
    private static final Logger LOG = LoggerFactory.getLogger(JobCallbacks.class);

    private final Vertx vertx;
    private final JobStore store;
    private final AccountStore accounts;
    private final CallbackSender sender;
    private final InstantSource clock;

    public JobCallbacks(Vertx vertx, JobStore store, AccountStore accounts, CallbackSender sender, InstantSource clock) {
        this.vertx = vertx;
        this.store = store;
        this.accounts = accounts;
        this.sender = sender;
        this.clock = clock;
    }

    public void attach(JobEngine engine) {
        engine.onJobEnded(this::send);
    }

    /** Resumes callbacks that were due when the gateway last stopped. Blocking; call at start-up. */
    public void resumePending() {
        for (Job job : store.pendingCallbacks(10_000)) vertx.runOnContext(v -> send(job));
    }

    public void send(Job job) {
        if (job.callback() == null || !"message".equals(job.kind())) return;
        JsonNode cb = Json.parseOrNull(job.callback());
        if (cb == null) return;
        Map<String, String> headers = new LinkedHashMap<>();
        cb.path("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
        byte[] body = Json.bytes(payload(job, cb.get("payload")));
        vertx.executeBlocking(() -> accounts.callbackSecret(job.userId(), Secrets.randomToken(32)), false).onComplete(secret -> {
            if (secret.failed()) {
                LOG.warn("no callback secret for job {}: {}", job.id(), secret.cause().getMessage());
                return;
            }
            sender.deliver(cb.path("url").asText(), headers, body, secret.result(), job.callbackStatus().attempts() + 1, 0,
                    attempt -> record(job.id(), attempt));
        });
    }

    private void record(String jobId, CallbackSender.Attempt a) {
        String state = a.delivered() ? "delivered" : a.last() ? "failed" : "pending";
        Job.CallbackStatus status = new Job.CallbackStatus(state, a.number(), a.statusCode(), a.error(), a.sentAtMillis());
        vertx.executeBlocking(() -> {
            store.recordCallback(jobId, status, clock.millis());
            return null;
        }, false);
    }

    static ObjectNode payload(Job job, JsonNode callerPayload) {
        ObjectNode o = Json.object();
        o.put("job_id", job.id());
        o.put("status", job.status().wire());
        o.put("created_at", job.createdAt() / 1000);
        if (job.completedAt() == null) o.putNull("completed_at");
        else o.put("completed_at", job.completedAt() / 1000);
        Job.Outcome out = job.outcome();
        if (out != null && out.servedModel() != null) o.put("model", out.servedModel());
        else o.put("model", job.model());
        if (job.status() == JobStatus.COMPLETED && out != null) {
            o.putObject("result").put("response_message", out.result());
            o.putNull("error");
        } else {
            o.putNull("result");
            o.put("error", out == null ? "The job did not complete." : out.error());
        }
        o.set("callback_payload", callerPayload == null ? Json.object().nullNode() : callerPayload);
        return o;
    }
}
