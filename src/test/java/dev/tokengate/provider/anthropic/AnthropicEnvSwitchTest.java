package dev.tokengate.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.config.ConfigLoader;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.support.AnthropicFixtures;
import dev.tokengate.support.FakeAnthropic;
import dev.tokengate.support.FakeAnthropic.Reply;
import dev.tokengate.support.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL) send the default claude model to Anthropic instead of the simulator. */
class AnthropicEnvSwitchTest {
    private static GatewayConfig.DeploymentSpec firstDeployment(GatewayConfig config, String model) {
        return config.models().stream().filter(m -> m.name().equals(model)).findFirst().orElseThrow().deployments().get(0);
    }

    @Test
    void withoutTheKeyClaudeIsSimulated() {
        GatewayConfig config = ConfigLoader.load(null, Map.of(), Map.of());
        assertThat(firstDeployment(config, "claude-3.5-sonnet").provider()).isEqualTo("simulated");
    }

    @Test
    void theKeyAloneSendsClaudeToAnthropicsApi() {
        GatewayConfig config = ConfigLoader.load(null, Map.of("ANTHROPIC_API_KEY", "sk-ant-xyz"), Map.of());
        GatewayConfig.DeploymentSpec d = firstDeployment(config, "claude-3.5-sonnet");
        assertThat(d.provider()).isEqualTo("anthropic");
        assertThat(d.baseUrl()).isEqualTo("https://api.anthropic.com");
        assertThat(d.apiKeyEnv()).isEqualTo("ANTHROPIC_API_KEY");
        assertThat(firstDeployment(config, "gpt-5").provider()).isEqualTo("simulated");
    }

    @Test
    void theDefaultClaudeModelIsServedByTheConfiguredUpstream() {
        try (FakeAnthropic upstream = new FakeAnthropic(Reply.json(200, AnthropicFixtures.text("message-stop-sequence.json")));
             TestGateway gw = TestGateway.start(null, Map.of(),
                     Map.of("ANTHROPIC_API_KEY", "sk-ant-from-env-0123", "ANTHROPIC_BASE_URL", upstream.baseUrl()))) {
            String key = gw.createUserKey("env-switch", "user_pro");
            TestGateway.Resp r = gw.post("/v1/chat/completions", key,
                    "{\"model\":\"claude-3.5-sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"Count\"}]}");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().path("choices").get(0).path("message").path("content").asText()).isEqualTo("1, 2, 3");
            assertThat(upstream.last().header("x-api-key")).isEqualTo("sk-ant-from-env-0123");
            assertThat(upstream.last().body().path("model").asText()).isEqualTo("claude-3-5-sonnet-latest");
        }
    }
}
