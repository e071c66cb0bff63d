package dev.tokengate.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of {@code models[].fallbacks}: only chat models with deployments have them, and each names another chat
 * model with deployments, once. A fallback brings its own fallbacks along, so the chains must not loop.
 */
final class Fallbacks {
    private Fallbacks() {}

    static void validate(List<GatewayConfig.Model> models) {
        Map<String, GatewayConfig.Model> byName = new HashMap<>();
        for (GatewayConfig.Model m : models) byName.put(m.name(), m);
        for (int i = 0; i < models.size(); i++) {
            GatewayConfig.Model m = models.get(i);
            if (m.fallbacks().isEmpty()) continue;
            String at = "models[" + i + "].fallbacks";
            if (m.isAlias()) {
                throw new ConfigException(at + ": '" + m.name() + "' is an alias, which lists the models it routes to in "
                        + "candidates; fallbacks are for models with deployments");
            }
            if (!m.type().equals(GatewayConfig.Model.CHAT)) {
                throw new ConfigException(at + ": only chat models have fallbacks; '" + m.name() + "' is an " + m.type() + " model");
            }
            Set<String> seen = new HashSet<>();
            for (int k = 0; k < m.fallbacks().size(); k++) {
                String f = m.fallbacks().get(k);
                String here = at + "[" + k + "]: '" + f + "' ";
                GatewayConfig.Model target = byName.get(f);
                if (target == null) throw new ConfigException(here + "is not a configured model");
                if (f.equals(m.name())) throw new ConfigException(here + "is the model itself");
                if (!seen.add(f)) throw new ConfigException(here + "is listed twice");
                if (!target.type().equals(GatewayConfig.Model.CHAT)) {
                    throw new ConfigException(here + "is an " + target.type() + " model; the fallbacks of chat model '"
                            + m.name() + "' must be chat models");
                }
                if (target.isAlias()) throw new ConfigException(here + "is an alias; a fallback must be a model with deployments");
            }
        }
        Set<String> acyclic = new HashSet<>();
        for (int i = 0; i < models.size(); i++) {
            List<String> cycle = cycleFrom(models.get(i).name(), byName, new ArrayList<>(), acyclic);
            if (cycle != null) {
                throw new ConfigException("models[" + i + "].fallbacks: the fallbacks loop: " + String.join(" -> ", cycle)
                        + " (a fallback brings its own fallbacks along)");
            }
        }
    }

    /**
     * A path of fallbacks from {@code name} back to a model already on {@code path}, or null when there is none.
     * {@code acyclic} collects the models whose chains were searched whole, so each is searched once.
     */
    private static List<String> cycleFrom(String name, Map<String, GatewayConfig.Model> byName, List<String> path,
                                          Set<String> acyclic) {
        if (acyclic.contains(name)) return null;
        int earlier = path.indexOf(name);
        if (earlier >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(earlier, path.size()));
            cycle.add(name);
            return cycle;
        }
        path.add(name);
        for (String f : byName.get(name).fallbacks()) {
            List<String> found = cycleFrom(f, byName, path, acyclic);
            if (found != null) return found;
        }
        path.remove(path.size() - 1);
        acyclic.add(name);
        return null;
    }
}
