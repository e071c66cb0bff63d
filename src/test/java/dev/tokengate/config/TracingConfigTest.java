package dev.tokengate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingConfigTest {
    private static GatewayConfig load(Map<String, String> env, Map<String, String> overrides) {
        return ConfigLoader.load(null, env, overrides);
    }

    @Test
    void tracingIsOffByDefaultAndTheExampleFileKeepsItOff() {
        assertThat(load(Map.of(), Map.of()).tracing())
                .isEqualTo(new GatewayConfig.Tracing(false, "http://127.0.0.1:4318", "tokengate", 1.0));
        assertThat(ConfigLoader.load(Path.of("config/tokengate.example.yaml"), Map.of(), Map.of()).tracing().enabled()).isFalse();
    }

    @Test
    void theEnvironmentTurnsTracingOnAndPointsItAtACollector() {
        GatewayConfig.Tracing t = load(Map.of("TOKENGATE_TRACING_ENABLED", "true", "TOKENGATE_OTLP_ENDPOINT", "https://otel.internal:4318",
                "TOKENGATE_SERVICE_NAME", "gateway-eu", "TOKENGATE_TRACING_SAMPLE_RATIO", "0.25"), Map.of()).tracing();
        assertThat(t).isEqualTo(new GatewayConfig.Tracing(true, "https://otel.internal:4318", "gateway-eu", 0.25));
    }

    @Test
    void mistakesNameTheField() {
        assertThatThrownBy(() -> load(Map.of(), Map.of("tracing.sample_ratio", "1.5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tracing.sample_ratio");
        assertThatThrownBy(() -> load(Map.of(), Map.of("tracing.sample_ratio", "often")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tracing.sample_ratio");
        assertThatThrownBy(() -> load(Map.of("TOKENGATE_OTLP_ENDPOINT", "collector:4318"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tracing.otlp_endpoint");
        assertThatThrownBy(() -> load(Map.of(), Map.of("tracing.enabled", "yes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tracing.enabled");
        assertThatThrownBy(() -> load(Map.of(), Map.of("tracing.service_name", " ")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tracing.service_name");
    }
}
