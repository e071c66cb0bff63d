package dev.tokengate.support;

import com.openai.client.OpenAIClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's gateway whose models are served by one {@link FakeUpstream}. Before the class it starts the upstream,
 * starts a {@link TestGateway} with the models the test names against it (plus config overrides, if any) and creates a
 * user_pro key named after the test class; before each test it resets the upstream; after the class it closes the SDK
 * client (if one was asked for), the gateway and the upstream, and lets go of them.
 * <pre>{@code
 * @RegisterExtension
 * static final GatewayWithFakeUpstream fixture =
 *         GatewayWithFakeUpstream.serving(upstream -> new UpstreamModels().model(MODEL, upstream.baseUrl()));
 * }</pre>
 */
public final class GatewayWithFakeUpstream implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private final Function<FakeUpstream, UpstreamModels> models;
    private final Map<String, String> overrides;
    private Path configDir;
    private FakeUpstream upstream;
    private TestGateway gateway;
    private String key;
    private OpenAIClient sdk;

    private GatewayWithFakeUpstream(Function<FakeUpstream, UpstreamModels> models, Map<String, String> overrides) {
        this.models = models;
        this.overrides = overrides;
    }

    /** Register the result on a {@code static} field with {@code @RegisterExtension}. */
    public static GatewayWithFakeUpstream serving(Function<FakeUpstream, UpstreamModels> models) {
        return serving(models, Map.of());
    }

    /** @param overrides dotted config paths to values, as for {@link TestGateway#start(Map)} */
    public static GatewayWithFakeUpstream serving(Function<FakeUpstream, UpstreamModels> models,
                                                  Map<String, String> overrides) {
        return new GatewayWithFakeUpstream(models, overrides);
    }

    public FakeUpstream upstream() { return started(upstream); }

    public TestGateway gateway() { return started(gateway); }

    /** A user_pro API key. */
    public String key() { return started(key); }

    /** An OpenAI SDK client with {@link #key()}, made on first use. */
    public OpenAIClient sdk() {
        if (sdk == null) sdk = Clients.sdk(gateway(), key());
        return sdk;
    }

    private static <T> T started(T part) {
        if (part == null) throw new IllegalStateException("not running: register on a static @RegisterExtension field");
        return part;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        upstream = FakeUpstream.start();
        configDir = Files.createTempDirectory("tokengate-upstream-models");
        gateway = TestGateway.start(models.apply(upstream).writeTo(configDir), overrides, UpstreamModels.ENV);
        key = gateway.createUserKey(context.getRequiredTestClass().getSimpleName(), "user_pro");
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        upstream().reset();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        // closed in reverse order: the client, then the gateway, then the upstream
        try (FakeUpstream closingUpstream = upstream; TestGateway closingGateway = gateway) {
            if (sdk != null) sdk.close();
        } finally {
            sdk = null;
            gateway = null;
            upstream = null;
            key = null;
            deleteConfigDir();
        }
    }

    private void deleteConfigDir() throws IOException {
        if (configDir == null) return;
        try (var files = Files.list(configDir)) {
            for (Path f : files.toList()) Files.delete(f);
        }
        Files.delete(configDir);
        configDir = null;
    }
}
