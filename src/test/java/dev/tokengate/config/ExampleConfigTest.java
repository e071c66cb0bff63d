package dev.tokengate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExampleConfigTest {
    @Test
    void theDocumentedExampleConfigurationLoads() {
        GatewayConfig config = ConfigLoader.load(Path.of("config/tokengate.example.yaml"), Map.of(), Map.of());
        assertThat(config.models()).extracting(GatewayConfig.Model::name).contains("local-llama", "gpt-auto", "gpt-5");
        assertThat(config.models()).filteredOn(m -> m.name().equals("local-llama")).singleElement()
                .satisfies(m -> assertThat(m.fallbacks()).containsExactly("gpt-4.1-mini"));
        assertThat(config.tiers()).containsKeys("user_free", "user_go", "user_pro", "user_max");
    }
}
