package dev.tokengate.wire.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a Responses API request asked for, kept in the shapes the Response object echoes back.
 *
 * @param text       {@code {format:{...}, verbosity}} as Responses writes it (json_schema fields flat)
 * @param toolChoice {@code "auto"|"none"|"required"} or {@code {type:"function", name}}
 * @param tools      function tools in Responses' flat shape, every required key present
 * @param reasoning  {@code {effort, summary}}, nulls when not asked for
 */
public record ResponseSettings(String model, String instructions, Integer maxOutputTokens, boolean parallelToolCalls,
                               String previousResponseId, boolean store, Double temperature, Double topP, ObjectNode text,
                               JsonNode toolChoice, ArrayNode tools, String truncation, String user, ObjectNode metadata,
                               ObjectNode reasoning) {}
