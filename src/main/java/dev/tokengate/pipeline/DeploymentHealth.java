package dev.tokengate.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.Json;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A circuit breaker per deployment. After {@code failureThreshold} consecutive retryable failures a deployment is open:
 * skipped for {@code openMillis}; then one probe request may try it (half-open); its success closes the breaker, its
 * failure opens it again. When every deployment of a model is open, the one that opened first is still tried, so a
 * model never becomes unreachable because of the breakers alone.
 */
public final class DeploymentHealth {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private static final class Breaker {
        int consecutiveFailures;
        long openedAt = -1;
        boolean probing;
        long successes;
        long failures;
        String lastError;
        double latencyEwmaMs;
    }

    private final InstantSource clock;
    private final int failureThreshold;
    private final long openMillis;
    private final ConcurrentHashMap<String, Breaker> breakers = new ConcurrentHashMap<>();

    public DeploymentHealth(InstantSource clock, int failureThreshold, long openMillis) {
        this.clock = clock;
        this.failureThreshold = failureThreshold;
        this.openMillis = openMillis;
    }

    /**
     * The deployments worth trying, model by model in the given order (an alias's candidates, fallback models): of
     * each model the half-open ones first (so a probe happens soon), then the closed ones in the given order; open ones
     * are left out unless all are open.
     */
    public List<Deployment> usable(List<Deployment> ordered) {
        if (ordered.size() <= 1) return ordered;
        List<Deployment> out = new ArrayList<>(ordered.size());
        int start = 0;
        while (start < ordered.size()) {
            String model = ordered.get(start).publicModel();
            int end = start + 1;
            while (end < ordered.size() && ordered.get(end).publicModel().equals(model)) end++;
            List<Deployment> sameModel = ordered.subList(start, end);
            for (Deployment d : sameModel) if (state(d) == State.HALF_OPEN) out.add(d);
            for (Deployment d : sameModel) if (state(d) == State.CLOSED) out.add(d);
            start = end;
        }
        return out.isEmpty() ? List.of(ordered.get(0)) : out;
    }

    /** Whether a request may go to the deployment now: a half-open one takes one probe at a time. */
    public boolean tryStart(Deployment d) {
        Breaker b = breakers.get(d.id());
        if (b == null) return true;
        synchronized (b) {
            State s = state(b);
            if (s != State.HALF_OPEN) return true;
            if (b.probing) return false;
            b.probing = true;
            return true;
        }
    }

    /** Ends a call that tells nothing about the deployment (the client's deadline cut it): only its probe, if any, ends. */
    public void release(Deployment d) {
        Breaker b = breakers.get(d.id());
        if (b == null) return;
        synchronized (b) {
            b.probing = false;
        }
    }

    public void record(Deployment d, boolean ok, boolean countsAsFailure, String error, long nanos) {
        Breaker b = breakers.computeIfAbsent(d.id(), k -> new Breaker());
        synchronized (b) {
            b.probing = false;
            b.latencyEwmaMs = b.latencyEwmaMs == 0 ? nanos / 1e6 : 0.9 * b.latencyEwmaMs + 0.1 * nanos / 1e6;
            if (ok) {
                b.successes++;
                b.consecutiveFailures = 0;
                b.openedAt = -1;
                return;
            }
            b.failures++;
            b.lastError = error;
            if (!countsAsFailure) return;
            b.consecutiveFailures++;
            if (b.consecutiveFailures >= failureThreshold) b.openedAt = clock.millis();
        }
    }

    public State state(Deployment d) {
        Breaker b = breakers.get(d.id());
        if (b == null) return State.CLOSED;
        synchronized (b) {
            return state(b);
        }
    }

    private State state(Breaker b) {
        if (b.openedAt < 0) return State.CLOSED;
        return clock.millis() - b.openedAt >= openMillis ? State.HALF_OPEN : State.OPEN;
    }

    /** One deployment's health as JSON, for GET /admin/v1/deployments. */
    public ObjectNode describe(Deployment d) {
        ObjectNode o = Json.object();
        o.put("id", d.id());
        o.put("model", d.publicModel());
        o.put("provider", d.providerType());
        if (d.baseUrl() == null) o.putNull("base_url");
        else o.put("base_url", d.baseUrl());
        o.put("upstream_model", d.upstreamModel());
        o.put("weight", d.weight());
        Breaker b = breakers.get(d.id());
        if (b == null) {
            o.put("state", "closed");
            o.put("consecutive_failures", 0);
            o.put("successes", 0);
            o.put("failures", 0);
            o.putNull("last_error");
            o.putNull("latency_ewma_ms");
            return o;
        }
        synchronized (b) {
            o.put("state", state(b).name().toLowerCase(java.util.Locale.ROOT));
            o.put("consecutive_failures", b.consecutiveFailures);
            o.put("successes", b.successes);
            o.put("failures", b.failures);
            if (b.lastError == null) o.putNull("last_error");
            else o.put("last_error", b.lastError);
            o.put("latency_ewma_ms", Math.round(b.latencyEwmaMs * 100) / 100.0);
        }
        return o;
    }
}
