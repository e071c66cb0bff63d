package dev.tokengate.wire.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.Json;
import dev.tokengate.core.Usage;

/**
 * Anthropic counts cache reads and cache writes apart from {@code input_tokens}; the canonical prompt count includes
 * them (as OpenAI's does), with cache reads as the cached part.
 */
public final class AnthropicUsage {
    private AnthropicUsage() {}

    public static Usage read(JsonNode u) {
        if (u == null || !u.isObject()) return null;
        int cacheRead = u.path("cache_read_input_tokens").asInt(0);
        int prompt = u.path("input_tokens").asInt(0) + cacheRead + u.path("cache_creation_input_tokens").asInt(0);
        return new Usage(prompt, u.path("output_tokens").asInt(0), cacheRead);
    }

    public static ObjectNode write(Usage u) {
        ObjectNode o = Json.object();
        o.put("input_tokens", Math.max(0, u.promptTokens() - u.cachedPromptTokens()));
        o.put("output_tokens", u.completionTokens());
        o.put("cache_creation_input_tokens", 0);
        o.put("cache_read_input_tokens", u.cachedPromptTokens());
        return o;
    }
}
