package dev.tokengate.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tokengate.core.Price;
import dev.tokengate.core.TokenLimitParam;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link GatewayConfig}: built-in defaults, then the user's YAML file merged over them, then environment
 * variables, then command-line overrides. Every value is validated once, here, with messages naming the field.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> PROVIDERS = Set.of("simulated", "openai", "anthropic", "local");
    private static final Set<String> TYPES = Set.of("chat", "embedding", "image");
    private static final List<String> TRANSPORTS = List.of("auto", "io_uring", "epoll", "nio");
    private static final String DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";
    private static final String DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com";
    private static final int MAX_CONCURRENCY = 100_000;

    private ConfigLoader() {}

    /**
     * @param file      the user's YAML file, or null
     * @param env       the environment (System.getenv() in production)
     * @param overrides dotted paths to values, e.g. {@code server.port -> 0}; applied last
     */
    public static GatewayConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        ObjectNode root = readDefaults();
        applyOpenAiEnv(root, env);
        applyAnthropicEnv(root, env);
        if (file != null) {
            JsonNode user = readFile(file);
            merge(root, user);
        }
        applyEnv(root, env);
        overrides.forEach((path, value) -> set(root, path, value));
        return bind(root, env);
    }

    private static ObjectNode readDefaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/tokengate-defaults.yaml")) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("built-in defaults unreadable", e);
        }
    }

    private static JsonNode readFile(Path file) {
        if (!Files.isRegularFile(file)) throw new ConfigException("config file not found: " + file);
        try {
            JsonNode node = YAML.readTree(file.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) return JsonNodeFactory.instance.objectNode();
            if (!node.isObject()) throw new ConfigException(file + ": the top level must be a mapping");
            return node;
        } catch (IOException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** With OPENAI_API_KEY set, the default gpt-* models go to that upstream instead of the simulated provider. */
    private static void applyOpenAiEnv(ObjectNode root, Map<String, String> env) {
        String key = env.get("OPENAI_API_KEY");
        if (key == null || key.isBlank()) return;
        String base = env.getOrDefault("OPENAI_BASE_URL", DEFAULT_OPENAI_BASE_URL);
        for (JsonNode model : root.withArray("models")) {
            String name = model.path("name").asText();
            if (!name.startsWith("gpt-") && !"openai".equals(model.path("owned_by").asText())) continue;
            for (JsonNode d : model.path("deployments")) {
                ObjectNode dep = (ObjectNode) d;
                if (!"chat".equals(model.path("type").asText("chat"))) dep.put("upstream_model", name);
                dep.put("provider", "openai");
                dep.put("base_url", base);
                dep.put("api_key_env", "OPENAI_API_KEY");
            }
        }
    }

    /** With ANTHROPIC_API_KEY set, the default claude-* models go to that upstream instead of the simulated provider. */
    private static void applyAnthropicEnv(ObjectNode root, Map<String, String> env) {
        String key = env.get("ANTHROPIC_API_KEY");
        if (key == null || key.isBlank()) return;
        String base = env.getOrDefault("ANTHROPIC_BASE_URL", DEFAULT_ANTHROPIC_BASE_URL);
        for (JsonNode model : root.withArray("models")) {
            if (!model.path("name").asText().startsWith("claude-")) continue;
            for (JsonNode d : model.path("deployments")) {
                ObjectNode dep = (ObjectNode) d;
                dep.put("provider", "anthropic");
                dep.put("base_url", base);
                dep.put("api_key_env", "ANTHROPIC_API_KEY");
            }
        }
    }

    private static void applyEnv(ObjectNode root, Map<String, String> env) {
        Map<String, String> names = Map.ofEntries(
                Map.entry("TOKENGATE_HOST", "server.host"),
                Map.entry("TOKENGATE_PORT", "server.port"),
                Map.entry("TOKENGATE_TRANSPORT", "server.transport"),
                Map.entry("TOKENGATE_DATA_DIR", "storage.data_dir"),
                Map.entry("TOKENGATE_DB_URL", "storage.db_url"),
                Map.entry("TOKENGATE_REDIS_URL", "redis.url"),
                Map.entry("TOKENGATE_TRACING_ENABLED", "tracing.enabled"),
                Map.entry("TOKENGATE_OTLP_ENDPOINT", "tracing.otlp_endpoint"),
                Map.entry("TOKENGATE_SERVICE_NAME", "tracing.service_name"),
                Map.entry("TOKENGATE_TRACING_SAMPLE_RATIO", "tracing.sample_ratio"));
        names.forEach((var, path) -> {
            String v = env.get(var);
            if (v != null && !v.isBlank()) set(root, path, v);
        });
        String admin = env.get("TOKENGATE_ADMIN_KEY");
        if (admin != null && !admin.isBlank()) root.put("admin_key", admin);
    }

    private static void set(ObjectNode root, String dottedPath, String value) {
        String[] parts = dottedPath.split("\\.");
        ObjectNode node = root;
        for (int i = 0; i < parts.length - 1; i++) node = node.withObject(parts[i]);
        node.put(parts[parts.length - 1], value);
    }

    /** Objects merge key by key, lists replace, except {@code models}, which merge by model name. */
    static void merge(ObjectNode target, JsonNode source) {
        Iterator<Map.Entry<String, JsonNode>> it = source.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = target.get(e.getKey());
            if (e.getKey().equals("models") && e.getValue().isArray() && existing != null && existing.isArray()) {
                mergeModels((ArrayNode) existing, (ArrayNode) e.getValue());
            } else if (existing != null && existing.isObject() && e.getValue().isObject()) {
                merge((ObjectNode) existing, e.getValue());
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    private static void mergeModels(ArrayNode target, ArrayNode source) {
        for (JsonNode model : source) {
            String name = model.path("name").asText(null);
            boolean replaced = false;
            for (int i = 0; i < target.size() && name != null; i++) {
                if (name.equals(target.get(i).path("name").asText())) {
                    target.set(i, model);
                    replaced = true;
                }
            }
            if (!replaced) target.add(model);
        }
    }

    private static String transport(String value) {
        if (!TRANSPORTS.contains(value)) {
            throw new ConfigException("server.transport (TOKENGATE_TRANSPORT): must be one of " + TRANSPORTS + ", got '" + value + "'");
        }
        return value;
    }

    private static GatewayConfig bind(ObjectNode root, Map<String, String> env) {
        Fields f = new Fields();
        JsonNode s = root.path("server");
        var server = new GatewayConfig.Server(
                f.string(s, "server.host", false),
                f.integer(s, "server.port", 0, 65535),
                f.longValue(s, "server.max_body_bytes", 1024, 1L << 31),
                f.integer(s, "server.event_loops", 0, 256),
                transport(s.path("transport").asText("auto")));
        JsonNode st = root.path("storage");
        var storage = new GatewayConfig.Storage(Path.of(f.string(st, "storage.data_dir", false)),
                jdbcUrl(st.path("db_url").asText(""), "storage.db_url"));
        JsonNode u = root.path("upstream");
        var upstream = new GatewayConfig.Upstream(
                f.integer(u, "upstream.connect_timeout_ms", 1, 600_000),
                f.integer(u, "upstream.first_byte_timeout_ms", 1, 3_600_000),
                f.integer(u, "upstream.idle_timeout_ms", 1, 3_600_000),
                f.integer(u, "upstream.max_connections", 1, 100_000));
        JsonNode sim = root.path("simulated");
        var simulated = new GatewayConfig.Simulated(
                f.integer(sim, "simulated.ttft_ms", 0, 600_000),
                f.integer(sim, "simulated.tokens_per_second", 0, 1_000_000));
        List<GatewayConfig.Model> models = models(root.path("models"), f, env);
        Map<String, GatewayConfig.Tier> tiers = tiers(root.path("tiers"), f, models);
        JsonNode j = root.path("jobs");
        var jobs = new GatewayConfig.Jobs(
                f.integer(j, "jobs.workers", 1, 4096),
                f.integer(j, "jobs.lease_seconds", 1, 86_400),
                f.integer(j, "jobs.max_attempts", 1, 100),
                f.string(j, "jobs.default_model", false),
                f.integer(j, "jobs.max_concurrency_per_deployment", 1, MAX_CONCURRENCY));
        if (models.stream().noneMatch(m -> m.name().equals(jobs.defaultModel()))) {
            throw new ConfigException("jobs.default_model: '" + jobs.defaultModel() + "' is not a configured model");
        }
        JsonNode c = root.path("callbacks");
        var callbacks = new GatewayConfig.Callbacks(
                f.bool(c, "callbacks.allow_private_networks"),
                f.integer(c, "callbacks.timeout_ms", 1, 600_000),
                f.integer(c, "callbacks.max_attempts", 1, 100),
                f.integer(c, "callbacks.window_seconds", 1, 7 * 86_400),
                socketAddresses(c.path("allowed_private_addresses"), "callbacks.allowed_private_addresses"));
        JsonNode b = root.path("batches");
        var batches = new GatewayConfig.Batches(
                f.integer(b, "batches.expiry_hours", 1, 24 * 365),
                f.integer(b, "batches.max_requests", 1, 1_000_000),
                f.longValue(b, "batches.max_file_bytes", 1024, 1L << 34));
        JsonNode r = root.path("routing");
        var routing = new GatewayConfig.Routing(
                f.integer(r, "routing.max_retries", 0, 10),
                f.integer(r, "routing.base_delay_ms", 1, 60_000),
                f.integer(r, "routing.max_delay_ms", 1, 600_000),
                f.integer(r, "routing.breaker_failures", 1, 1000),
                f.integer(r, "routing.breaker_open_seconds", 1, 86_400));
        String adminKey = root.path("admin_key").isTextual() ? root.path("admin_key").asText() : null;
        if (adminKey != null && adminKey.length() < 16) {
            throw new ConfigException("admin_key (TOKENGATE_ADMIN_KEY): must be at least 16 characters, got <masked> of "
                    + adminKey.length());
        }
        return new GatewayConfig(server, storage, upstream, simulated, models, tiers, jobs, callbacks, batches, routing, adminKey,
                billing(root.path("billing"), f, models), rateLimits(root.path("rate_limits"), f, tiers.keySet()),
                redis(root.path("redis"), f), tracing(root.path("tracing"), f));
    }

    /** IP literals with a port ({@code 10.0.0.7:8443}, {@code [fd00::7]:443}), as a list or one comma-separated string. */
    private static List<java.net.InetSocketAddress> socketAddresses(JsonNode node, String path) {
        List<String> items = new ArrayList<>();
        if (node.isTextual()) {
            for (String s : node.asText().split(",")) if (!s.isBlank()) items.add(s.strip());
        } else if (node.isArray()) {
            for (JsonNode n : node) items.add(n.asText());
        } else if (!node.isMissingNode() && !node.isNull()) {
            throw new ConfigException(path + ": must be a list of ip:port, got '" + node.asText() + "'");
        }
        List<java.net.InetSocketAddress> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i);
            int colon = item.lastIndexOf(':');
            String host = colon < 0 ? "" : item.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            boolean literal = host.matches("[0-9.]+") || (host.contains(":") && host.matches("[0-9A-Fa-f:.]+"));
            int port;
            try {
                port = Integer.parseInt(item.substring(colon + 1));
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                port = -1;
            }
            if (!literal || port < 1 || port > 65535) {
                throw new ConfigException(path + "[" + i + "]: must be an IP address and a port, as 10.0.0.7:8443 or "
                        + "[fd00::7]:443, got '" + item + "'");
            }
            try {
                out.add(new java.net.InetSocketAddress(java.net.InetAddress.getByName(host), port));
            } catch (java.net.UnknownHostException e) {
                throw new ConfigException(path + "[" + i + "]: not an IP address: '" + item + "'");
            }
        }
        return List.copyOf(out);
    }

    private static GatewayConfig.Tracing tracing(JsonNode t, Fields f) {
        boolean enabled = f.bool(t, "tracing.enabled");
        String endpoint = f.string(t, "tracing.otlp_endpoint", false).trim();
        try {
            URI uri = URI.create(endpoint);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException("tracing.otlp_endpoint (TOKENGATE_OTLP_ENDPOINT): not an http(s) URL: '" + masked(endpoint) + "'");
        }
        return new GatewayConfig.Tracing(enabled, endpoint, f.string(t, "tracing.service_name", false).trim(),
                f.ratio(t, "tracing.sample_ratio"));
    }

    private static GatewayConfig.Billing billing(JsonNode b, Fields f, List<GatewayConfig.Model> models) {
        Map<String, Integer> caps = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = b.path("model_max_output_tokens").fields();
        while (it.hasNext()) {
            var e = it.next();
            if (models.stream().noneMatch(m -> m.name().equals(e.getKey()))) {
                throw new ConfigException("billing.model_max_output_tokens: '" + e.getKey() + "' is not a configured model");
            }
            caps.put(e.getKey(), f.integer(b.path("model_max_output_tokens"), "billing.model_max_output_tokens." + e.getKey(), 1, 100_000_000));
        }
        return new GatewayConfig.Billing(f.bool(b, "billing.enabled"), f.money(b, "billing.new_user_credit_usd"),
                f.integer(b, "billing.max_output_tokens", 1, 100_000_000), Map.copyOf(caps),
                b.has("cache_hit_percent") ? f.integer(b, "billing.cache_hit_percent", 0, 100) : 0);
    }

    private static GatewayConfig.RateLimits rateLimits(JsonNode r, Fields f, Set<String> tiers) {
        String onFailure = f.string(r, "rate_limits.on_redis_failure", false);
        if (!onFailure.equals("open") && !onFailure.equals("closed")) {
            throw new ConfigException("rate_limits.on_redis_failure: must be open or closed, got '" + onFailure + "'");
        }
        Map<String, GatewayConfig.RateLimit> limits = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = r.path("tiers").fields();
        while (it.hasNext()) {
            var e = it.next();
            String at = "rate_limits.tiers." + e.getKey();
            if (!tiers.contains(e.getKey())) throw new ConfigException(at + ": '" + e.getKey() + "' is not a configured tier");
            JsonNode t = e.getValue();
            limits.put(e.getKey(), new GatewayConfig.RateLimit(
                    t.has("requests_per_minute") ? f.integer(t, at + ".requests_per_minute", 0, 100_000_000) : 0,
                    t.has("tokens_per_minute") ? f.longValue(t, at + ".tokens_per_minute", 0, Long.MAX_VALUE / 4) : 0,
                    t.has("concurrent_requests") ? f.integer(t, at + ".concurrent_requests", 0, 100_000_000) : 0));
        }
        return new GatewayConfig.RateLimits(onFailure.equals("open"), Map.copyOf(limits));
    }

    private static GatewayConfig.Redis redis(JsonNode r, Fields f) {
        String url = r.path("url").asText("");
        if (url.isBlank()) url = null;
        else if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw new ConfigException("redis.url: expected redis://host:port or rediss://..., got '"
                    + url.replaceAll("//[^@/]*@", "//<masked>@") + "'");
        }
        return new GatewayConfig.Redis(url, f.string(r, "redis.key_prefix", false));
    }

    private static List<GatewayConfig.Model> models(JsonNode node, Fields f, Map<String, String> env) {
        if (!node.isArray() || node.isEmpty()) throw new ConfigException("models: must be a non-empty list");
        List<GatewayConfig.Model> out = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            String at = "models[" + i + "]";
            String name = f.string(m, at + ".name", false);
            if (!seen.add(name)) throw new ConfigException(at + ".name: duplicate model '" + name + "'");
            String ownedBy = m.path("owned_by").asText("tokengate");
            String type = m.path("type").asText("chat");
            if (!TYPES.contains(type)) throw new ConfigException(at + ".type: must be one of " + TYPES + ", got '" + type + "'");
            List<String> candidates = new ArrayList<>();
            for (JsonNode c : m.path("candidates")) candidates.add(c.asText());
            List<String> fallbacks = names(m, "fallbacks", at + ".fallbacks");
            List<GatewayConfig.DeploymentSpec> deps = new ArrayList<>();
            JsonNode ds = m.path("deployments");
            for (int k = 0; k < ds.size(); k++) deps.add(deployment(ds.get(k), at + ".deployments[" + k + "]", f, env));
            if (deps.isEmpty() == candidates.isEmpty()) {
                throw new ConfigException(at + ": model '" + name + "' needs either deployments or candidates (an alias), not "
                        + (deps.isEmpty() ? "neither" : "both"));
            }
            out.add(new GatewayConfig.Model(name, type, ownedBy, List.copyOf(deps), List.copyOf(candidates), fallbacks));
        }
        for (int i = 0; i < out.size(); i++) {
            for (String c : out.get(i).candidates()) {
                var target = out.stream().filter(m -> m.name().equals(c)).findFirst();
                if (target.isEmpty() || target.get().isAlias()) {
                    throw new ConfigException("models[" + i + "].candidates: '" + c + "' is not a model with deployments");
                }
            }
        }
        Fallbacks.validate(out);
        return List.copyOf(out);
    }

    /** An optional list of model names; absent is empty. */
    private static List<String> names(JsonNode parent, String key, String at) {
        JsonNode list = parent.path(key);
        if (list.isMissingNode() || list.isNull()) return List.of();
        if (!list.isArray()) throw new ConfigException(at + ": must be a list of model names, got '" + list.asText() + "'");
        List<String> out = new ArrayList<>();
        for (int k = 0; k < list.size(); k++) {
            JsonNode n = list.get(k);
            if (!n.isTextual() || n.asText().isBlank()) {
                throw new ConfigException(at + "[" + k + "]: must be a model name, got '" + n.asText() + "'");
            }
            out.add(n.asText());
        }
        return List.copyOf(out);
    }

    private static GatewayConfig.DeploymentSpec deployment(JsonNode d, String at, Fields f, Map<String, String> env) {
        String provider = f.string(d, at + ".provider", false);
        if (!PROVIDERS.contains(provider)) {
            throw new ConfigException(at + ".provider: must be one of " + PROVIDERS + ", got '" + provider + "'");
        }
        String baseUrl = d.path("base_url").isTextual() ? d.path("base_url").asText() : null;
        if (!provider.equals("simulated") && !provider.equals("local")) {
            if (baseUrl == null) throw new ConfigException(at + ".base_url: required for provider " + provider);
            try {
                URI uri = URI.create(baseUrl);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw new IllegalArgumentException();
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(at + ".base_url: not an http(s) URL: '" + baseUrl + "'");
            }
        }
        String keyEnv = d.path("api_key_env").isTextual() ? d.path("api_key_env").asText() : null;
        if (d.has("api_key")) {
            throw new ConfigException(at + ".api_key: put the key in an environment variable and name it in api_key_env");
        }
        if (keyEnv != null && (env.get(keyEnv) == null || env.get(keyEnv).isBlank())) {
            throw new ConfigException(at + ".api_key_env: environment variable " + keyEnv + " is not set");
        }
        int weight = d.has("weight") ? f.integer(d, at + ".weight", 0, 1_000_000) : 1;
        JsonNode p = d.path("price");
        Price price = new Price(f.money(p, at + ".price.input_per_m"), f.money(p, at + ".price.cached_input_per_m"),
                f.money(p, at + ".price.output_per_m"), f.money(p, at + ".price.per_image"));
        String upstreamModel = f.string(d, at + ".upstream_model", false);
        Integer maxConcurrency = d.has("max_concurrency") ? f.integer(d, at + ".max_concurrency", 1, MAX_CONCURRENCY) : null;
        boolean http2 = d.has("http2") && f.bool(d, at + ".http2");
        if (http2 && baseUrl == null) throw new ConfigException(at + ".http2: only for openai and anthropic deployments, not " + provider);
        return new GatewayConfig.DeploymentSpec(provider, baseUrl, upstreamModel, keyEnv, weight, price, maxConcurrency, http2,
                maxTokensParam(d, at, provider));
    }

    private static TokenLimitParam maxTokensParam(JsonNode d, String at, String provider) {
        if (!d.has("max_tokens_param")) return null;
        JsonNode v = d.get("max_tokens_param");
        TokenLimitParam p = v.isTextual() ? TokenLimitParam.ofWireName(v.asText()) : null;
        if (p == null) throw new ConfigException(at + ".max_tokens_param: must be max_tokens or max_completion_tokens, got " + v);
        if (!provider.equals("openai")) throw new ConfigException(at + ".max_tokens_param: only for openai deployments, not " + provider);
        return p;
    }

    private static Map<String, GatewayConfig.Tier> tiers(JsonNode node, Fields f, List<GatewayConfig.Model> models) {
        Map<String, GatewayConfig.Tier> out = new LinkedHashMap<>();
        for (String required : List.of("user_free", "user_go", "user_pro", "user_max")) {
            if (!node.has(required)) throw new ConfigException("tiers." + required + ": missing");
        }
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            var e = it.next();
            String at = "tiers." + e.getKey();
            List<String> allowed = new ArrayList<>();
            for (JsonNode m : e.getValue().path("models")) {
                String name = m.asText();
                if (!name.equals("*") && models.stream().noneMatch(x -> x.name().equals(name))) {
                    throw new ConfigException(at + ".models: '" + name + "' is not a configured model");
                }
                allowed.add(name);
            }
            out.put(e.getKey(), new GatewayConfig.Tier(List.copyOf(allowed),
                    f.integer(e.getValue(), at + ".batch_size", 1, 100_000),
                    f.integer(e.getValue(), at + ".max_tokens", 1, 100_000_000)));
        }
        return Map.copyOf(out);
    }

    /**
     * Accepts a JDBC URL, a {@code postgresql://user:pass@host:port/db} URL, {@code sqlite:PATH} or {@code memory};
     * an empty value means the embedded SQLite file.
     */
    static String jdbcUrl(String raw, String field) {
        if (raw == null || raw.isBlank()) return null;
        if (raw.equals("memory") || raw.startsWith("jdbc:sqlite:") || raw.startsWith("jdbc:postgresql:")) return raw;
        if (raw.startsWith("sqlite:")) return "jdbc:" + raw;
        if (raw.startsWith("postgresql://") || raw.startsWith("postgres://")) return postgresqlJdbcUrl(raw, field);
        throw new ConfigException(field + ": expected postgresql://..., jdbc:postgresql:..., sqlite:PATH or memory, got '"
                + masked(raw) + "'");
    }

    /**
     * The authority is read raw because {@link URI#getHost()} rejects names like {@code tokengate_db}. User and password
     * are percent-decoded, then encoded again because pgjdbc decodes the values of URL parameters.
     */
    private static String postgresqlJdbcUrl(String raw, String field) {
        try {
            URI uri = new URI(raw);
            String authority = uri.getRawAuthority();
            int at = authority == null ? -1 : authority.lastIndexOf('@');
            String hostPort = authority == null ? "" : authority.substring(at + 1);
            if (hostPort.isEmpty() || hostPort.startsWith(":")) throw new IllegalArgumentException("no host");
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            List<String> params = new ArrayList<>();
            if (uri.getRawQuery() != null) params.add(uri.getRawQuery());
            if (at >= 0) {
                String[] userPassword = authority.substring(0, at).split(":", 2);
                params.add("user=" + reencode(userPassword[0]));
                if (userPassword.length > 1) params.add("password=" + reencode(userPassword[1]));
            }
            return "jdbc:postgresql://" + hostPort + path + (params.isEmpty() ? "" : "?" + String.join("&", params));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new ConfigException(field + ": not a valid postgresql://user:password@host:port/database URL: '"
                    + masked(raw) + "'");
        }
    }

    /** Percent-decodes a URL part ('+' stays a plus sign) and encodes it as a URL parameter value. */
    private static String reencode(String rawPart) {
        String decoded = URLDecoder.decode(rawPart.replace("+", "%2B"), StandardCharsets.UTF_8);
        return URLEncoder.encode(decoded, StandardCharsets.UTF_8);
    }

    private static String masked(String url) {
        return url.replaceAll("//.*@", "//<masked>@");
    }

    /** Typed field readers that name the field in every error. */
    private static final class Fields {
        String string(JsonNode parent, String path, boolean allowEmpty) {
            JsonNode v = parent.path(leaf(path));
            if (!v.isValueNode() || v.isNull() || (!allowEmpty && v.asText().isBlank())) {
                throw new ConfigException(path + ": required, got " + describe(v));
            }
            return v.asText();
        }

        int integer(JsonNode parent, String path, long min, long max) {
            return (int) longValue(parent, path, min, max);
        }

        long longValue(JsonNode parent, String path, long min, long max) {
            JsonNode v = parent.path(leaf(path));
            long value;
            try {
                if (v.isIntegralNumber()) value = v.asLong();
                else if (v.isTextual()) value = Long.parseLong(v.asText().trim());
                else throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new ConfigException(path + ": must be an integer between " + min + " and " + max + ", got " + describe(v));
            }
            if (value < min || value > max) {
                throw new ConfigException(path + ": must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        }

        boolean bool(JsonNode parent, String path) {
            JsonNode v = parent.path(leaf(path));
            if (v.isBoolean()) return v.asBoolean();
            if (v.isTextual() && (v.asText().equals("true") || v.asText().equals("false"))) return Boolean.parseBoolean(v.asText());
            throw new ConfigException(path + ": must be true or false, got " + describe(v));
        }

        /** A number from 0 to 1. */
        double ratio(JsonNode parent, String path) {
            JsonNode v = parent.path(leaf(path));
            double value;
            try {
                if (v.isNumber()) value = v.asDouble();
                else if (v.isTextual()) value = Double.parseDouble(v.asText().trim());
                else throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new ConfigException(path + ": must be a number from 0 to 1, got " + describe(v));
            }
            if (!(value >= 0 && value <= 1)) throw new ConfigException(path + ": must be a number from 0 to 1, got " + value);
            return value;
        }

        /** Dollars per 1M tokens as written in YAML, converted to integer micro-dollars. */
        long money(JsonNode parent, String path) {
            JsonNode v = parent.path(leaf(path));
            if (v.isMissingNode()) return 0;
            try {
                BigDecimal d = new BigDecimal(v.asText());
                if (d.signum() < 0) throw new NumberFormatException();
                return Price.dollarsToMicros(d);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new ConfigException(path + ": must be a non-negative price in dollars, got " + describe(v));
            }
        }

        private static String leaf(String path) {
            return path.substring(path.lastIndexOf('.') + 1);
        }

        private static String describe(JsonNode v) {
            return v.isMissingNode() ? "nothing" : "'" + v.asText() + "'";
        }
    }
}
