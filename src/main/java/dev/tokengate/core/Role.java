package dev.tokengate.core;

public enum Role {
    SYSTEM, DEVELOPER, USER, ASSISTANT, TOOL;

    public String wire() { return name().toLowerCase(java.util.Locale.ROOT); }

    public static Role fromWire(String s) {
        return switch (s) {
            case "system" -> SYSTEM;
            case "developer" -> DEVELOPER;
            case "user" -> USER;
            case "assistant" -> ASSISTANT;
            case "tool" -> TOOL;
            default -> null;
        };
    }
}
