package dev.tokengate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code models[].fallbacks} is checked at start-up; a bad one names the field and the value. */
class FallbackConfigTest {
    @TempDir
    Path dir;

    private GatewayConfig load(String models) throws IOException {
        Path file = Files.writeString(dir.resolve("tokengate.yaml"), "models:\n" + models);
        return ConfigLoader.load(file, Map.of(), Map.of());
    }

    private static String chat(String name, String fallbacks) {
        return "  - name: " + name + "\n" + (fallbacks == null ? "" : "    fallbacks: " + fallbacks + "\n")
                + "    deployments: [{provider: simulated, upstream_model: " + name + "}]\n";
    }

    @Test
    void fallbacksAreReadInOrder() throws IOException {
        GatewayConfig config = load(chat("primary", "[gpt-4.1-mini, claude-3.5-sonnet]"));
        GatewayConfig.Model primary = config.models().stream().filter(m -> m.name().equals("primary")).findFirst().orElseThrow();
        assertThat(primary.fallbacks()).containsExactly("gpt-4.1-mini", "claude-3.5-sonnet");
        assertThat(config.models()).filteredOn(m -> !m.name().equals("primary")).allSatisfy(m -> assertThat(m.fallbacks()).isEmpty());
    }

    @Test
    void anUnknownFallbackNamesTheFieldAndTheModel() {
        assertThatThrownBy(() -> load(chat("primary", "[gpt-4o, gpt-nonexistent]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[9].fallbacks[1]").hasMessageContaining("'gpt-nonexistent' is not a configured model");
    }

    @Test
    void aFallbackToTheModelItselfIsRefused() {
        assertThatThrownBy(() -> load(chat("primary", "[primary]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[9].fallbacks[0]").hasMessageContaining("'primary' is the model itself");
    }

    @Test
    void aModelListedTwiceIsRefused() {
        assertThatThrownBy(() -> load(chat("primary", "[gpt-4o, gpt-4o]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[9].fallbacks[1]").hasMessageContaining("'gpt-4o' is listed twice");
    }

    @Test
    void fallbacksThatLoopAreRefusedWithTheLoop() {
        assertThatThrownBy(() -> load(chat("a", "[b]") + chat("b", "[c]") + chat("c", "[a]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[9].fallbacks").hasMessageContaining("a -> b -> c -> a");
    }

    @Test
    void aFallbackOfAnotherTypeIsRefused() {
        assertThatThrownBy(() -> load(chat("primary", "[text-embedding-3-small]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[9].fallbacks[0]")
                .hasMessageContaining("'text-embedding-3-small' is an embedding model")
                .hasMessageContaining("must be chat models");
    }

    @Test
    void aFallbackToAnAliasIsRefused() {
        assertThatThrownBy(() -> load(chat("primary", "[gpt-auto]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[9].fallbacks[0]").hasMessageContaining("'gpt-auto' is an alias");
    }

    @Test
    void anAliasCannotHaveFallbacks() {
        assertThatThrownBy(() -> load("  - {name: smart, candidates: [gpt-5], fallbacks: [gpt-4o]}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[9].fallbacks").hasMessageContaining("'smart' is an alias");
    }

    @Test
    void onlyChatModelsHaveFallbacks() {
        assertThatThrownBy(() -> load("  - {name: vectors, type: embedding, fallbacks: [all-minilm-l6-v2], "
                + "deployments: [{provider: local, upstream_model: all-minilm-l6-v2}]}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[9].fallbacks").hasMessageContaining("only chat models have fallbacks")
                .hasMessageContaining("'vectors' is an embedding model");
    }

    @Test
    void fallbacksMustBeAListOfNames() {
        assertThatThrownBy(() -> load(chat("primary", "gpt-4o")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[9].fallbacks").hasMessageContaining("must be a list of model names")
                .hasMessageContaining("'gpt-4o'");
        assertThatThrownBy(() -> load(chat("primary", "[{name: gpt-4o}]")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("models[9].fallbacks[0]").hasMessageContaining("must be a model name");
    }
}
