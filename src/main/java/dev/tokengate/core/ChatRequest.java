package dev.tokengate.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The canonical chat request every inbound API is translated into and every provider translates out of.
 *
 * @param maxTokensParam the name an OpenAI chat request gave {@code maxTokens} (sent upstream under the same name unless
 *                    the deployment names one); null when the request came from another API family or has no limit
 * @param passthrough parameters we validated but do not interpret (logit_bias, seed, metadata ...), forwarded to
 *                    upstreams that speak OpenAI's protocol. Never null.
 */
public record ChatRequest(
        String model,
        List<ChatMessage> messages,
        List<ToolSpec> tools,
        ToolChoice toolChoice,
        Boolean parallelToolCalls,
        ResponseFormat responseFormat,
        boolean stream,
        boolean includeUsage,
        Integer maxTokens,
        TokenLimitParam maxTokensParam,
        Double temperature,
        Double topP,
        int n,
        List<String> stop,
        String user,
        ObjectNode passthrough) {

    public ChatRequest withModel(String newModel) {
        return new ChatRequest(newModel, messages, tools, toolChoice, parallelToolCalls, responseFormat, stream,
                includeUsage, maxTokens, maxTokensParam, temperature, topP, n, stop, user, passthrough);
    }

    public ChatRequest withStream(boolean newStream, boolean newIncludeUsage) {
        return new ChatRequest(model, messages, tools, toolChoice, parallelToolCalls, responseFormat, newStream,
                newIncludeUsage, maxTokens, maxTokensParam, temperature, topP, n, stop, user, passthrough);
    }

    public ChatRequest withMessages(List<ChatMessage> newMessages) {
        return new ChatRequest(model, newMessages, tools, toolChoice, parallelToolCalls, responseFormat, stream,
                includeUsage, maxTokens, maxTokensParam, temperature, topP, n, stop, user, passthrough);
    }
}
