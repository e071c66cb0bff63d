package dev.tokengate.core;

import com.fasterxml.jackson.databind.JsonNode;

/** One part of a message's content. Parts we do not interpret travel as {@link Opaque} so nothing is lost. */
public sealed interface ContentPart {
    record Text(String text) implements ContentPart {}

    record Image(String url, String detail) implements ContentPart {}

    /** A part kept verbatim (audio, file, refusal ...): forwarded to upstreams that speak the same protocol. */
    record Opaque(String type, JsonNode raw) implements ContentPart {}
}
