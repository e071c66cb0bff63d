package dev.tokengate.core;

public sealed interface ToolChoice {
    record None() implements ToolChoice {}

    record Auto() implements ToolChoice {}

    record Required() implements ToolChoice {}

    record Named(String name) implements ToolChoice {}
}
