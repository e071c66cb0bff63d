package dev.tokengate.core;

public record Choice(int index, ChatMessage message, String finishReason) {}
