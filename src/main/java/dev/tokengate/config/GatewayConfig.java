package dev.tokengate.config;

import dev.tokengate.core.Price;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The validated, immutable configuration. Built only by {@link ConfigLoader}. */
public record GatewayConfig(
        Server server,
        Storage storage,
        Upstream upstream,
        Simulated simulated,
        List<Model> models,
        Map<String, Tier> tiers,
        Jobs jobs,
        Callbacks callbacks,
        Batches batches,
        String adminKey) {

    public record Server(String host, int port, long maxBodyBytes, int eventLoops) {}

    /** @param dbUrl a JDBC URL; null means the embedded SQLite file in dataDir, "memory" the in-memory stores. */
    public record Storage(Path dataDir, String dbUrl) {
        public boolean inMemory() { return "memory".equals(dbUrl); }

        @Override
        public String toString() {
            String shown = dbUrl == null ? null : dbUrl.replaceAll("(?i)(password=)[^&]*", "$1<masked>")
                    .replaceAll("//[^@/]*@", "//<masked>@");
            return "Storage[dataDir=" + dataDir + ", dbUrl=" + shown + "]";
        }
    }

    public record Upstream(int connectTimeoutMs, int firstByteTimeoutMs, int idleTimeoutMs, int maxConnections) {}

    /** Simulated model pacing: 0 and 0 answer at once (load tests). */
    public record Simulated(int ttftMs, int tokensPerSecond) {}

    /**
     * A public model. Either it has deployments, or it is a routing alias whose {@code candidates} are other public
     * models tried in order (the first the caller's tier allows, moving on when one fails).
     */
    public record Model(String name, String type, String ownedBy, List<DeploymentSpec> deployments, List<String> candidates) {
        public static final String CHAT = "chat";
        public static final String EMBEDDING = "embedding";
        public static final String IMAGE = "image";

        public boolean isAlias() { return !candidates.isEmpty(); }
    }

    /** @param apiKeyEnv the name of the environment variable holding the upstream key (never the key itself). */
    public record DeploymentSpec(String provider, String baseUrl, String upstreamModel, String apiKeyEnv, int weight,
                                 Price price) {}

    /** @param models the public model names the tier may use, or ["*"] for all. */
    public record Tier(List<String> models, int batchSize, int maxTokens) {
        public boolean allows(String model) {
            return models.contains("*") || models.contains(model);
        }
    }

    public record Jobs(int workers, int leaseSeconds, int maxAttempts, String defaultModel) {}

    /** @param maxFileBytes the largest file accepted by POST /v1/files */
    public record Batches(int expiryHours, int maxRequests, long maxFileBytes) {}

    public record Callbacks(boolean allowPrivateNetworks, int timeoutMs, int maxAttempts, int windowSeconds) {}

    @Override
    public String toString() {
        return "GatewayConfig[server=" + server + ", storage=" + storage + ", models=" + models.size()
                + ", adminKey=" + (adminKey == null ? "unset" : "<masked>") + "]";
    }
}
