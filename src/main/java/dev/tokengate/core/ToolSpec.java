package dev.tokengate.core;

import com.fasterxml.jackson.databind.JsonNode;

/** A function the model may call; {@code parameters} is a JSON Schema object or null. */
public record ToolSpec(String name, String description, JsonNode parameters, Boolean strict) {}
