package dev.tokengate.pipeline;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Deployment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** The public models and their deployments, resolved once at start-up (upstream keys read from the environment). */
public final class ModelCatalog {
    private static final Set<String> NETWORK = Set.of("openai", "anthropic");
    private final Map<String, GatewayConfig.Model> models = new LinkedHashMap<>();
    private final Map<String, List<Deployment>> deployments = new LinkedHashMap<>();
    /** Each model's fallbacks in the order to try them (see {@link #fallbacksOf}), worked out once. */
    private final Map<String, List<String>> fallbackChains = new LinkedHashMap<>();

    public ModelCatalog(List<GatewayConfig.Model> configured, Map<String, String> env) {
        this(configured, env, GatewayConfig.Jobs.DEFAULT_MAX_CONCURRENCY);
    }

    /**
     * @param defaultMaxConcurrency the bound on queued work of a network deployment (openai, anthropic) that sets no
     *                              {@code max_concurrency}; in-process ones (simulated, local) are unbounded by default
     */
    public ModelCatalog(List<GatewayConfig.Model> configured, Map<String, String> env, int defaultMaxConcurrency) {
        for (GatewayConfig.Model m : configured) {
            models.put(m.name(), m);
            List<Deployment> list = new ArrayList<>();
            for (int i = 0; i < m.deployments().size(); i++) {
                var d = m.deployments().get(i);
                String key = d.apiKeyEnv() == null ? null : env.get(d.apiKeyEnv());
                int bound = d.maxConcurrency() != null ? d.maxConcurrency() : NETWORK.contains(d.provider()) ? defaultMaxConcurrency : 0;
                list.add(new Deployment(m.name() + "#" + i + "/" + d.provider(), m.name(), d.provider(), stripSlash(d.baseUrl()),
                        d.upstreamModel(), key, d.weight(), d.price(), bound, d.http2(), d.maxTokensParam()));
            }
            deployments.put(m.name(), List.copyOf(list));
        }
        for (GatewayConfig.Model m : configured) fallbackChains.put(m.name(), fallbacksOf(List.of(m.name())));
    }

    private static String stripSlash(String url) {
        return url == null ? null : url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public List<GatewayConfig.Model> all() {
        return List.copyOf(models.values());
    }

    public Optional<GatewayConfig.Model> find(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /**
     * The concrete models to try for a request, in order: the model itself, or an alias's candidates that the tier
     * allows; then their fallbacks that the tier allows ({@link #fallbacksOf}). Throws 404 for an unknown model and
     * 403 when the tier allows none.
     */
    public List<String> route(String name, GatewayConfig.Tier tier, String tierName) {
        GatewayConfig.Model m = require(name, GatewayConfig.Model.CHAT);
        if (!tier.allows(name)) throw ApiException.forbidden(tierDenied(tierName, name));
        List<String> primaries;
        if (m.isAlias()) {
            List<String> allowed = m.candidates().stream().filter(tier::allows).toList();
            // an alias the tier may use routes within the alias's candidates even when the tier does not list them itself
            primaries = allowed.isEmpty() ? m.candidates() : allowed;
        } else {
            primaries = List.of(name);
        }
        List<String> chain = m.isAlias() ? fallbacksOf(primaries) : fallbackChains.get(name);
        if (chain.isEmpty()) return primaries;
        List<String> fallbacks = chain.stream().filter(tier::allows).toList();
        if (fallbacks.isEmpty()) return primaries;
        List<String> out = new ArrayList<>(primaries);
        out.addAll(fallbacks);
        return List.copyOf(out);
    }

    /** Every model a request for this one may be routed to, whatever the tier: for the deployments it may occupy. */
    public List<String> reachable(String name) {
        GatewayConfig.Model m = models.get(name);
        if (m == null) return List.of();
        List<String> primaries = m.isAlias() ? m.candidates() : List.of(name);
        List<String> out = new ArrayList<>(primaries);
        out.addAll(fallbacksOf(primaries));
        return List.copyOf(out);
    }

    /**
     * The fallbacks of the given models in the order to try them, each model once and none of the given ones: first
     * their own fallbacks in the order listed, then the fallbacks of those, and so on (breadth first; the config
     * refuses loops).
     */
    private List<String> fallbacksOf(List<String> primaries) {
        Set<String> seen = new HashSet<>(primaries);
        List<String> queue = new ArrayList<>(primaries);
        for (int i = 0; i < queue.size(); i++) {
            GatewayConfig.Model m = models.get(queue.get(i));
            if (m == null) continue;
            for (String f : m.fallbacks()) if (seen.add(f)) queue.add(f);
        }
        return List.copyOf(queue.subList(primaries.size(), queue.size()));
    }

    /** The model, which must exist (404) and be of the given type (400: wrong endpoint for it). */
    public GatewayConfig.Model require(String name, String type) {
        GatewayConfig.Model m = models.get(name);
        if (m == null) throw ApiException.modelNotFound(name);
        if (!m.type().equals(type)) {
            throw ApiException.invalid("model", "The model '" + name + "' is " + (m.type().equals("image") ? "an image" : "an " + m.type())
                    + " model and cannot be used here.", "model_not_supported");
        }
        return m;
    }

    /** Tiers restrict chat models; embedding and image models are open to every tier. */
    public static boolean visibleTo(GatewayConfig.Model m, GatewayConfig.Tier tier) {
        return !m.type().equals(GatewayConfig.Model.CHAT) || tier.allows(m.name());
    }

    public static String tierDenied(String tierName, String model) {
        String who = switch (tierName) {
            case "user_free" -> "Free tier users";
            case "user_go" -> "Go tier users";
            case "user_pro" -> "Pro tier users";
            case "user_max" -> "Max tier users";
            default -> "Users of tier " + tierName;
        };
        String shown = model.startsWith("gpt-") ? "GPT-" + model.substring(4) : model;
        return who + " cannot use " + shown + " model";
    }

    public List<Deployment> deployments(String model) {
        return deployments.getOrDefault(model, List.of());
    }

    /** Deployments of a model in the order to try them: weighted random first, the rest after it. */
    public List<Deployment> order(String model) {
        List<Deployment> ds = deployments(model);
        if (ds.size() <= 1) return ds;
        int total = ds.stream().mapToInt(Deployment::weight).sum();
        int first = 0;
        if (total > 0) {
            int r = ThreadLocalRandom.current().nextInt(total);
            for (int i = 0; i < ds.size(); i++) {
                r -= ds.get(i).weight();
                if (r < 0) {
                    first = i;
                    break;
                }
            }
        }
        List<Deployment> out = new ArrayList<>(ds.size());
        out.add(ds.get(first));
        for (int i = 0; i < ds.size(); i++) if (i != first && ds.get(i).weight() > 0) out.add(ds.get(i));
        return out;
    }
}
