package dev.tokengate.config;

import dev.tokengate.core.Price;
import dev.tokengate.core.TokenLimitParam;
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
        Routing routing,
        String adminKey,
        Billing billing,
        RateLimits rateLimits,
        Redis redis,
        Tracing tracing) {

    /** {@code transport}: auto (io_uring where the kernel allows it, else epoll, else Java NIO), io_uring, epoll or nio. */
    public record Server(String host, int port, long maxBodyBytes, int eventLoops, String transport) {}

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
     *
     * @param fallbacks chat models (with deployments) to try in order, each with its own fallbacks, when every
     *                  deployment of this one failed in a retryable way; only those the caller's tier allows
     */
    public record Model(String name, String type, String ownedBy, List<DeploymentSpec> deployments, List<String> candidates,
                        List<String> fallbacks) {
        public static final String CHAT = "chat";
        public static final String EMBEDDING = "embedding";
        public static final String IMAGE = "image";

        public boolean isAlias() { return !candidates.isEmpty(); }
    }

    /**
     * @param apiKeyEnv      the name of the environment variable holding the upstream key (never the key itself)
     * @param maxConcurrency queued work (jobs, batch items) in flight against this deployment at once on one instance;
     *                       null: {@link Jobs#maxConcurrencyPerDeployment()} for network upstreams, unbounded otherwise
     * @param http2          speak HTTP/2 to this upstream (h2c with prior knowledge for http://, ALPN h2 for https://), so
     *                       many concurrent calls share a few connections; false: HTTP/1.1, one connection per call in flight
     * @param maxTokensParam the name an openai deployment's upstream reads the output limit under; null: the name the
     *                       client used, max_completion_tokens for requests from other API families
     */
    public record DeploymentSpec(String provider, String baseUrl, String upstreamModel, String apiKeyEnv, int weight,
                                 Price price, Integer maxConcurrency, boolean http2, TokenLimitParam maxTokensParam) {}

    /** @param models the public model names the tier may use, or ["*"] for all. */
    public record Tier(List<String> models, int batchSize, int maxTokens) {
        public boolean allows(String model) {
            return models.contains("*") || models.contains(model);
        }
    }

    /** @param maxConcurrencyPerDeployment the default of a network deployment's {@code max_concurrency} */
    public record Jobs(int workers, int leaseSeconds, int maxAttempts, String defaultModel, int maxConcurrencyPerDeployment) {
        public Jobs(int workers, int leaseSeconds, int maxAttempts, String defaultModel) {
            this(workers, leaseSeconds, maxAttempts, defaultModel, DEFAULT_MAX_CONCURRENCY);
        }

        public static final int DEFAULT_MAX_CONCURRENCY = 32;
    }

    /**
     * @param maxRetries         rounds over a model's deployments after the first, with backoff between rounds
     * @param breakerFailures    consecutive retryable failures that open a deployment's circuit breaker
     * @param breakerOpenSeconds how long an open breaker skips its deployment before one probe may try it
     */
    public record Routing(int maxRetries, int baseDelayMs, int maxDelayMs, int breakerFailures, int breakerOpenSeconds) {}

    /** @param maxFileBytes the largest file accepted by POST /v1/files */
    public record Batches(int expiryHours, int maxRequests, long maxFileBytes) {}

    /**
     * @param allowPrivateNetworks    callbacks may reach any loopback, private or link-local address
     * @param allowedPrivateAddresses the private {@code ip:port} receivers callbacks may reach when the above is false
     */
    public record Callbacks(boolean allowPrivateNetworks, int timeoutMs, int maxAttempts, int windowSeconds,
                            java.util.List<java.net.InetSocketAddress> allowedPrivateAddresses) {
        public Callbacks(boolean allowPrivateNetworks, int timeoutMs, int maxAttempts, int windowSeconds) {
            this(allowPrivateNetworks, timeoutMs, maxAttempts, windowSeconds, java.util.List.of());
        }
    }

    /**
     * Prepaid balances. The worst case reserved for a request counts its max_tokens, capped by the model's output cap
     * ({@code modelMaxOutputTokens}, else {@code maxOutputTokens}); a request without max_tokens counts the cap.
     *
     * @param cacheHitPercent what a response-cache hit costs, in percent of what the cached answer cost (0: free)
     */
    public record Billing(boolean enabled, long newUserCreditMicros, int maxOutputTokens, Map<String, Integer> modelMaxOutputTokens,
                          int cacheHitPercent) {
        /** The cost of a cache hit whose answer cost {@code originalMicros} when it was made, rounded up. */
        public long cacheHitMicros(long originalMicros) {
            return cacheHitPercent == 0 ? 0 : Math.ceilDiv(Math.multiplyExact(originalMicros, (long) cacheHitPercent), 100L);
        }

        public int outputCap(String model) {
            return modelMaxOutputTokens.getOrDefault(model, maxOutputTokens);
        }
    }

    /** Limits per API key, by the tier of the key's user; 0 means no limit. */
    public record RateLimit(int requestsPerMinute, long tokensPerMinute, int concurrentRequests) {
        public static final RateLimit NONE = new RateLimit(0, 0, 0);

        public boolean none() {
            return requestsPerMinute == 0 && tokensPerMinute == 0 && concurrentRequests == 0;
        }
    }

    /** @param failOpen what rate limits do while Redis is unreachable: let requests through, or answer 503 */
    public record RateLimits(boolean failOpen, Map<String, RateLimit> tiers) {
        public RateLimit forTier(String tier) {
            return tiers.getOrDefault(tier, RateLimit.NONE);
        }
    }

    /** @param url redis://host:port/db, or null for in-process rate-limit counters (a single instance) */
    public record Redis(String url, String keyPrefix) {
        public boolean configured() { return url != null; }

        @Override
        public String toString() {
            return "Redis[" + (url == null ? "none" : url.replaceAll("//[^@/]*@", "//<masked>@")) + "]";
        }
    }

    /**
     * OpenTelemetry spans exported over OTLP (HTTP/protobuf); off by default.
     *
     * @param otlpEndpoint the collector's base URL (spans go to {@code /v1/traces} below it) or the full traces URL
     * @param sampleRatio  the share of new traces kept (0 to 1); a client's traceparent decides for the traces it continues
     */
    public record Tracing(boolean enabled, String otlpEndpoint, String serviceName, double sampleRatio) {
        public static final Tracing OFF = new Tracing(false, "http://127.0.0.1:4318", "tokengate", 1.0);
    }

    @Override
    public String toString() {
        return "GatewayConfig[server=" + server + ", storage=" + storage + ", models=" + models.size()
                + ", adminKey=" + (adminKey == null ? "unset" : "<masked>") + "]";
    }
}
