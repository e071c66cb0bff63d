package dev.tokengate.jobs;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.Deployment;
import dev.tokengate.pipeline.ModelCatalog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How many more jobs of each model this instance may start without one of them finding every deployment it could use
 * at its {@code max_concurrency} ({@link dev.tokengate.pipeline.DeploymentSlots} enforces the bound per call). The
 * engine claims a model's jobs only while it has room, so jobs waiting for a slot stay queued, unclaimed and without
 * an attempt spent, and the jobs of other models are claimed past them.
 *
 * <p>The room of a model is the sum of the bounds of the deployments its jobs may use (an alias: those of all its
 * candidates; and those of the fallback models) minus the slots running jobs may hold on them: a running job of model
 * N can hold at most as many of model M's slots as the deployments M and N share allow. So room above zero means a free slot exists. A model with an unbounded deployment
 * always has room. Thread-safe; the counts are per instance.
 */
public final class JobSlots {
    private static final long UNBOUNDED = Long.MAX_VALUE / 4;

    /** For each model: the models whose jobs may use its deployments, with how many of its slots they can hold. */
    private final Map<String, Map<String, Long>> shared = new HashMap<>();
    private final Map<String, Long> capacity = new HashMap<>();
    private final Map<String, Integer> running = new HashMap<>();
    private final List<String> models;
    private int rotation;

    /** No deployment bounded: every model always has room. */
    public static JobSlots unbounded() {
        return new JobSlots(Map.of());
    }

    public JobSlots(ModelCatalog catalog) {
        this(deploymentsByModel(catalog));
    }

    private static Map<String, List<Deployment>> deploymentsByModel(ModelCatalog catalog) {
        Map<String, List<Deployment>> out = new HashMap<>();
        for (GatewayConfig.Model m : catalog.all()) {
            if (!m.type().equals(GatewayConfig.Model.CHAT)) continue;
            List<Deployment> ds = new ArrayList<>();
            catalog.reachable(m.name()).forEach(r -> ds.addAll(catalog.deployments(r)));
            out.put(m.name(), ds);
        }
        return out;
    }

    private JobSlots(Map<String, List<Deployment>> byModel) {
        for (var m : byModel.entrySet()) {
            capacity.put(m.getKey(), bounds(Set.copyOf(m.getValue())));
            Map<String, Long> holders = new HashMap<>();
            for (var n : byModel.entrySet()) {
                Set<Deployment> common = new LinkedHashSet<>(m.getValue());
                common.retainAll(Set.copyOf(n.getValue()));
                if (!common.isEmpty()) holders.put(n.getKey(), bounds(common));
            }
            shared.put(m.getKey(), holders);
        }
        models = List.copyOf(byModel.keySet());
    }

    private static long bounds(Set<Deployment> ds) {
        long sum = 0;
        for (Deployment d : ds) {
            if (!d.bounded()) return UNBOUNDED;
            sum += d.maxConcurrency();
        }
        return sum;
    }

    /** Jobs of the model that may start now; a large number when it is unbounded (or unknown here). */
    synchronized long room(String model) {
        Map<String, Long> holders = shared.get(model);
        if (holders == null) return UNBOUNDED;
        long held = 0;
        for (var h : holders.entrySet()) held += Math.min(running.getOrDefault(h.getKey(), 0), h.getValue());
        return Math.max(0, capacity.get(model) - held);
    }

    /** Whether some model could not take {@code free} more jobs now, so the claim must go model by model. */
    synchronized boolean limits(int free) {
        for (String m : models) if (room(m) < free) return true;
        return false;
    }

    /** Counts a job of the model as started if it has room. */
    synchronized boolean tryStart(String model) {
        if (room(model) <= 0) return false;
        started(model);
        return true;
    }

    /** Takes up to {@code wanted} starts of the model at once; give back what was not used with {@link #ended}. */
    synchronized int take(String model, int wanted) {
        int n = (int) Math.min(wanted, room(model));
        if (n > 0) running.merge(model, n, Integer::sum);
        return n;
    }

    /** Counts a job as started without asking (it was claimed while the model had room for it). */
    synchronized void started(String model) {
        running.merge(model, 1, Integer::sum);
    }

    synchronized void ended(String model, int n) {
        if (n > 0) running.computeIfPresent(model, (k, v) -> v - n <= 0 ? null : v - n);
    }

    /** The bounded models in the order to claim them, starting one further along on every call (fairness). */
    synchronized List<String> claimOrder() {
        if (models.isEmpty()) return models;
        int start = Math.floorMod(rotation++, models.size());
        List<String> out = new ArrayList<>(models.size());
        for (int i = 0; i < models.size(); i++) out.add(models.get((start + i) % models.size()));
        return out;
    }
}
