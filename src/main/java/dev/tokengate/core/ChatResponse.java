package dev.tokengate.core;

import java.util.List;

public record ChatResponse(String id, long created, String model, List<Choice> choices, Usage usage,
                           String systemFingerprint) {

    public ChatResponse withModel(String newModel) {
        return new ChatResponse(id, created, newModel, choices, usage, systemFingerprint);
    }

    public String firstText() {
        return choices.isEmpty() ? "" : choices.get(0).message().text();
    }
}
