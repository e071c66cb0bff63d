package dev.tokengate.core;

/** A function call made by the model; {@code arguments} is JSON text, as on the wire. */
public record ToolCall(String id, String name, String arguments) {}
