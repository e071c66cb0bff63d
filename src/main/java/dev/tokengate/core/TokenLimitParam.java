package dev.tokengate.core;

/**
 * The name an OpenAI-style upstream reads the output token limit under. OpenAI's own API takes both and its reasoning
 * models only {@code max_completion_tokens}; Ollama's and LM Studio's OpenAI-compatible endpoints read only
 * {@code max_tokens} and ignore the other, so a limit sent under the name they do not know is lost.
 */
public enum TokenLimitParam {
    MAX_TOKENS("max_tokens"),
    MAX_COMPLETION_TOKENS("max_completion_tokens");

    private final String wireName;

    TokenLimitParam(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The constant whose wire name is {@code name}, or null. */
    public static TokenLimitParam ofWireName(String name) {
        for (TokenLimitParam p : values()) {
            if (p.wireName.equals(name)) return p;
        }
        return null;
    }
}
