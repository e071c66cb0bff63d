package dev.tokengate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokengate.core.TokenLimitParam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration is validated once at start-up; every message names the field and the bad value, never a secret. */
class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("tokengate.yaml");
        Files.writeString(file, text);
        return file;
    }

    private static GatewayConfig.Model model(GatewayConfig config, String name) {
        return config.models().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void builtInDefaultsServeEveryDefaultModelWithTheSimulatedProvider() {
        GatewayConfig config = ConfigLoader.load(null, Map.of(), Map.of());

        assertThat(config.models()).extracting(GatewayConfig.Model::name)
                .containsExactlyInAnyOrder("gpt-auto", "gpt-5", "gpt-5-mini", "gpt-4o", "gpt-4.1-mini", "claude-3.5-sonnet",
                        "text-embedding-3-small", "all-minilm-l6-v2", "dall-e-3");
        assertThat(config.models()).filteredOn(m -> !m.isAlias() && !m.type().equals(GatewayConfig.Model.EMBEDDING))
                .allSatisfy(m -> assertThat(m.deployments()).extracting(GatewayConfig.DeploymentSpec::provider).containsOnly("simulated"));
        assertThat(config.models()).filteredOn(m -> m.type().equals(GatewayConfig.Model.EMBEDDING))
                .allSatisfy(m -> assertThat(m.deployments()).extracting(GatewayConfig.DeploymentSpec::provider).containsOnly("local"));
        assertThat(config.server().port()).isEqualTo(8080);
    }

    @Test
    void allowedPrivateCallbackAddressesAreIpLiteralsWithAPort() throws IOException {
        Path file = yaml("""
                callbacks:
                  allowed_private_addresses: ["10.0.0.7:8443", "[fd00::7]:443"]
                """);
        assertThat(ConfigLoader.load(file, Map.of(), Map.of()).callbacks().allowedPrivateAddresses())
                .containsExactly(new java.net.InetSocketAddress("10.0.0.7", 8443), new java.net.InetSocketAddress("fd00::7", 443));
        assertThat(ConfigLoader.load(null, Map.of(), Map.of("callbacks.allowed_private_addresses", "127.0.0.1:9000"))
                .callbacks().allowedPrivateAddresses()).containsExactly(new java.net.InetSocketAddress("127.0.0.1", 9000));
        assertThat(ConfigLoader.load(null, Map.of(), Map.of()).callbacks().allowedPrivateAddresses()).isEmpty();
    }

    @Test
    void anAllowedPrivateCallbackAddressThatIsAHostnameOrLacksAPortNamesTheField() {
        for (String bad : new String[]{"internal.example:8443", "10.0.0.7", "10.0.0.7:0", "10.0.0.7:http"}) {
            assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("callbacks.allowed_private_addresses", bad)))
                    .as(bad).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("callbacks.allowed_private_addresses[0]").hasMessageContaining(bad);
        }
    }

    @Test
    void nonNumericPortNamesTheFieldAndTheValue() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("server.port", "abc")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.port").hasMessageContaining("abc");
    }

    @Test
    void portOutOfRangeNamesTheFieldAndTheValue() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("TOKENGATE_PORT", "70000"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.port").hasMessageContaining("70000");
    }

    @Test
    void unknownProviderNamesTheDeploymentAndTheValue() throws IOException {
        Path file = yaml("""
                models:
                  - name: my-model
                    deployments:
                      - {provider: foo, upstream_model: x}
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("deployments[0].provider").hasMessageContaining("foo");
    }

    @Test
    void negativePriceNamesTheFieldAndTheValue() throws IOException {
        Path file = yaml("""
                models:
                  - name: gpt-4o
                    deployments:
                      - {provider: simulated, upstream_model: gpt-4o, price: {input_per_m: -1, output_per_m: 2}}
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("price.input_per_m").hasMessageContaining("-1");
    }

    @Test
    void apiKeyEnvNamingAnUnsetVariableNamesTheVariable() throws IOException {
        Path file = yaml("""
                models:
                  - name: local-llama
                    deployments:
                      - {provider: openai, base_url: "http://127.0.0.1:11434/v1", upstream_model: llama3, api_key_env: LLAMA_KEY_NOT_SET}
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("api_key_env").hasMessageContaining("LLAMA_KEY_NOT_SET");
    }

    @Test
    void apiKeyEnvThatIsSetIsAccepted() throws IOException {
        Path file = yaml("""
                models:
                  - name: local-llama
                    deployments:
                      - {provider: openai, base_url: "http://127.0.0.1:11434/v1", upstream_model: llama3, api_key_env: LLAMA_KEY}
                """);

        GatewayConfig config = ConfigLoader.load(file, Map.of("LLAMA_KEY", "secret"), Map.of());

        assertThat(model(config, "local-llama").deployments().get(0).apiKeyEnv()).isEqualTo("LLAMA_KEY");
    }

    @Test
    void maxConcurrencyBelowOneNamesTheDeploymentField() throws IOException {
        Path file = yaml("""
                models:
                  - name: local-llama
                    deployments:
                      - {provider: openai, base_url: "http://127.0.0.1:11434/v1", upstream_model: llama3, max_concurrency: 0}
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("deployments[0].max_concurrency")
                .hasMessageContaining("0");
    }

    @Test
    void nonNumericDefaultMaxConcurrencyNamesTheField() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("jobs.max_concurrency_per_deployment", "many")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("jobs.max_concurrency_per_deployment")
                .hasMessageContaining("many");
    }

    @Test
    void maxConcurrencyIsKeptPerDeploymentAndUnsetOnesGetNone() throws IOException {
        Path file = yaml("""
                jobs: {max_concurrency_per_deployment: 7}
                models:
                  - name: local-llama
                    deployments:
                      - {provider: openai, base_url: "http://127.0.0.1:11434/v1", upstream_model: llama3, max_concurrency: 4}
                      - {provider: openai, base_url: "http://127.0.0.1:11435/v1", upstream_model: llama3}
                """);

        GatewayConfig config = ConfigLoader.load(file, Map.of(), Map.of());

        assertThat(config.jobs().maxConcurrencyPerDeployment()).isEqualTo(7);
        assertThat(model(config, "local-llama").deployments()).extracting(GatewayConfig.DeploymentSpec::maxConcurrency)
                .containsExactly(4, null);
    }

    @Test
    void http2IsOffUnlessADeploymentTurnsItOn() throws IOException {
        Path file = yaml("""
                models:
                  - name: local-llama
                    deployments:
                      - {provider: openai, base_url: "http://127.0.0.1:11434/v1", upstream_model: llama3, http2: true}
                      - {provider: openai, base_url: "http://127.0.0.1:11435/v1", upstream_model: llama3}
                """);

        GatewayConfig config = ConfigLoader.load(file, Map.of(), Map.of());

        assertThat(model(config, "local-llama").deployments()).extracting(GatewayConfig.DeploymentSpec::http2).containsExactly(true, false);
    }

    @Test
    void http2ThatIsNotABooleanNamesTheDeploymentField() throws IOException {
        Path file = yaml("""
                models:
                  - name: local-llama
                    deployments:
                      - {provider: openai, base_url: "http://127.0.0.1:11434/v1", upstream_model: llama3, http2: sometimes}
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("deployments[0].http2").hasMessageContaining("sometimes");
    }

    @Test
    void http2OnASimulatedDeploymentIsRefused() throws IOException {
        Path file = yaml("""
                models:
                  - name: sim
                    deployments:
                      - {provider: simulated, upstream_model: sim, http2: true}
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("deployments[0].http2").hasMessageContaining("simulated");
    }

    @Test
    void maxTokensParamNamesTheLimitAnOpenAiDeploymentReads() throws IOException {
        Path file = yaml("""
                models:
                  - name: local-llama
                    deployments:
                      - {provider: openai, base_url: "http://127.0.0.1:11434/v1", upstream_model: llama3, max_tokens_param: max_tokens}
                      - {provider: openai, base_url: "http://127.0.0.1:11435/v1", upstream_model: llama3, max_tokens_param: max_completion_tokens}
                      - {provider: openai, base_url: "http://127.0.0.1:11436/v1", upstream_model: llama3}
                """);

        GatewayConfig config = ConfigLoader.load(file, Map.of(), Map.of());

        assertThat(model(config, "local-llama").deployments()).extracting(GatewayConfig.DeploymentSpec::maxTokensParam)
                .containsExactly(TokenLimitParam.MAX_TOKENS, TokenLimitParam.MAX_COMPLETION_TOKENS, null);
    }

    @Test
    void maxTokensParamOfAnotherNameNamesTheDeploymentField() throws IOException {
        Path file = yaml("""
                models:
                  - name: local-llama
                    deployments:
                      - {provider: openai, base_url: "http://127.0.0.1:11434/v1", upstream_model: llama3, max_tokens_param: num_predict}
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("deployments[0].max_tokens_param")
                .hasMessageContaining("num_predict");
    }

    @Test
    void maxTokensParamOnAnAnthropicDeploymentIsRefused() throws IOException {
        Path file = yaml("""
                models:
                  - name: claude
                    deployments:
                      - {provider: anthropic, base_url: "https://api.anthropic.com", upstream_model: claude-x, max_tokens_param: max_tokens}
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("deployments[0].max_tokens_param")
                .hasMessageContaining("anthropic");
    }

    @Test
    void aliasCandidateThatDoesNotExistNamesTheCandidate() throws IOException {
        Path file = yaml("""
                models:
                  - name: my-alias
                    candidates: [gpt-4o, gpt-nonexistent]
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("candidates").hasMessageContaining("gpt-nonexistent");
    }

    @Test
    void openAiApiKeyInTheEnvironmentSendsGptModelsToOpenAi() {
        GatewayConfig config = ConfigLoader.load(null, Map.of("OPENAI_API_KEY", "sk-test"), Map.of());

        for (String name : new String[]{"gpt-5", "gpt-5-mini", "gpt-4o", "gpt-4.1-mini"}) {
            GatewayConfig.DeploymentSpec d = model(config, name).deployments().get(0);
            assertThat(d.provider()).as(name).isEqualTo("openai");
            assertThat(d.baseUrl()).as(name).isEqualTo("https://api.openai.com/v1");
            assertThat(d.apiKeyEnv()).as(name).isEqualTo("OPENAI_API_KEY");
        }
        assertThat(model(config, "claude-3.5-sonnet").deployments().get(0).provider()).isEqualTo("simulated");
        assertThat(model(config, "gpt-auto").isAlias()).isTrue();
    }

    @Test
    void openAiBaseUrlInTheEnvironmentPointsGptModelsThere() {
        GatewayConfig config = ConfigLoader.load(null,
                Map.of("OPENAI_API_KEY", "sk-test", "OPENAI_BASE_URL", "http://127.0.0.1:9999/v1"), Map.of());

        assertThat(model(config, "gpt-4o").deployments().get(0).baseUrl()).isEqualTo("http://127.0.0.1:9999/v1");
    }

    @Test
    void adminKeyNeverAppearsInToString() {
        String adminKey = "tg-admin-very-secret-0123456789";

        GatewayConfig fromOverride = ConfigLoader.load(null, Map.of(), Map.of("admin_key", adminKey));
        GatewayConfig fromEnv = ConfigLoader.load(null, Map.of("TOKENGATE_ADMIN_KEY", adminKey), Map.of());

        assertThat(fromOverride.adminKey()).isEqualTo(adminKey);
        assertThat(fromOverride.toString()).doesNotContain(adminKey).contains("<masked>");
        assertThat(fromEnv.toString()).doesNotContain(adminKey);
    }

    @Test
    void tooShortAdminKeyIsRejectedWithoutPrintingIt() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("TOKENGATE_ADMIN_KEY", "short-secret"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("admin_key").hasMessageNotContaining("short-secret");
    }

    @Test
    void databasePasswordNeverAppearsInToString() {
        GatewayConfig config = ConfigLoader.load(null, Map.of(),
                Map.of("storage.db_url", "postgresql://tokengate:hunter2pass@db.internal:5432/tokengate"));

        assertThat(config.storage().dbUrl()).contains("password=hunter2pass");
        assertThat(config.toString()).doesNotContain("hunter2pass");
        assertThat(config.storage().toString()).doesNotContain("hunter2pass").contains("db.internal");
    }
}
