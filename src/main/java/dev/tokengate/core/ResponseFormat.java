package dev.tokengate.core;

import com.fasterxml.jackson.databind.JsonNode;

public sealed interface ResponseFormat {
    record Text() implements ResponseFormat {}

    record JsonObject() implements ResponseFormat {}

    record JsonSchema(String name, String description, JsonNode schema, Boolean strict) implements ResponseFormat {}
}
