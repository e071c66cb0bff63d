package dev.tokengate.core;

public record Usage(int promptTokens, int completionTokens, int cachedPromptTokens) {
    public static final Usage ZERO = new Usage(0, 0, 0);

    public int totalTokens() { return promptTokens + completionTokens; }

    public Usage plus(Usage o) {
        return new Usage(promptTokens + o.promptTokens, completionTokens + o.completionTokens,
                cachedPromptTokens + o.cachedPromptTokens);
    }
}
