package dev.tokengate.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a gateway config file whose models are served by OpenAI-compatible upstreams (for example a
 * {@link FakeUpstream}), each deployment with upstream model {@value #UPSTREAM_MODEL} and the key in env {@value #KEY_ENV}.
 */
public final class UpstreamModels {
    public static final String UPSTREAM_MODEL = "real-model";
    public static final String KEY_ENV = "UP_KEY";
    public static final String KEY = "sk-test-upstream-key";
    /** The environment to start the gateway with. */
    public static final Map<String, String> ENV = Map.of(KEY_ENV, KEY);

    private final StringBuilder yaml = new StringBuilder("models:\n");

    /** A deployment and its routing weight. */
    public record Deployment(String baseUrl, int weight) {}

    public UpstreamModels model(String name, String... baseUrls) {
        Deployment[] ds = new Deployment[baseUrls.length];
        for (int i = 0; i < baseUrls.length; i++) ds[i] = new Deployment(baseUrls[i], 1);
        return model(name, ds);
    }

    public UpstreamModels model(String name, Deployment... deployments) {
        return model(name, "", deployments);
    }

    /** A model whose deployments are called over HTTP/2 ({@code http2: true}). */
    public UpstreamModels http2Model(String name, String... baseUrls) {
        Deployment[] ds = new Deployment[baseUrls.length];
        for (int i = 0; i < baseUrls.length; i++) ds[i] = new Deployment(baseUrls[i], 1);
        return model(name, ", http2: true", ds);
    }

    /** A model whose deployments each take at most {@code maxConcurrency} queued calls at once. */
    public UpstreamModels boundedModel(String name, int maxConcurrency, String... baseUrls) {
        Deployment[] ds = new Deployment[baseUrls.length];
        for (int i = 0; i < baseUrls.length; i++) ds[i] = new Deployment(baseUrls[i], 1);
        return model(name, ", max_concurrency: " + maxConcurrency, ds);
    }

    /** A model whose deployments carry more fields, as YAML flow-map entries ("max_tokens_param: max_tokens"). */
    public UpstreamModels modelWith(String name, String fields, String... baseUrls) {
        Deployment[] ds = new Deployment[baseUrls.length];
        for (int i = 0; i < baseUrls.length; i++) ds[i] = new Deployment(baseUrls[i], 1);
        return model(name, ", " + fields, ds);
    }

    /** @param extra more fields of each deployment, as YAML flow-map entries starting with a comma */
    private UpstreamModels model(String name, String extra, Deployment... deployments) {
        yaml.append("  - name: ").append(name).append("\n    owned_by: test\n    deployments:\n");
        for (Deployment d : deployments) {
            yaml.append("      - {provider: openai, base_url: \"").append(d.baseUrl()).append("\", upstream_model: ")
                    .append(UPSTREAM_MODEL).append(", api_key_env: ").append(KEY_ENV).append(", weight: ").append(d.weight())
                    .append(extra)
                    .append(", price: {input_per_m: 1.00, output_per_m: 2.00}}\n");
        }
        return this;
    }

    public Path writeTo(Path dir) {
        try {
            return Files.writeString(Files.createTempFile(dir, "tokengate", ".yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
