package dev.tokengate.wire.openai;

import static dev.tokengate.wire.openai.RequestReader.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ToolChoice;
import dev.tokengate.core.ToolSpec;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The function tool parts that Chat Completions and the Responses API share; only where they sit differs (Chat nests a
 * tool's fields under {@code function}, Responses keeps them flat), so each takes the path of the object it reads.
 */
final class ToolDecoding {
    static final Pattern FUNCTION_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private ToolDecoding() {}

    /** A function's name, description, parameters and strict flag, read from {@code fn} found at {@code at}. */
    static ToolSpec function(JsonNode fn, String at) {
        String name = requiredString(fn, "name", at + ".name");
        if (!FUNCTION_NAME.matcher(name).matches()) {
            throw ApiException.invalid(at + ".name", "Invalid '" + at + ".name': '" + name
                    + "'. Expected a string of 1 to 64 characters from a-z, A-Z, 0-9, underscores and dashes.", "invalid_value");
        }
        JsonNode params = optionalSchema(fn, "parameters", at + ".parameters");
        return new ToolSpec(name, optionalString(fn, "description", at + ".description"), params, optionalBool(fn, "strict", at + ".strict"));
    }

    /** A {@code tool_choice} given as a string: none, auto or required (which needs tools). */
    static ToolChoice mode(JsonNode v, List<ToolSpec> tools) {
        ToolChoice choice = switch (v.asText()) {
            case "none" -> new ToolChoice.None();
            case "auto" -> new ToolChoice.Auto();
            case "required" -> new ToolChoice.Required();
            default -> throw ApiException.invalid("tool_choice", "Invalid value for 'tool_choice': '" + v.asText()
                    + "'. Supported values are: 'none', 'auto' and 'required', or an object naming a function.", "invalid_value");
        };
        if (choice instanceof ToolChoice.Required && tools.isEmpty()) {
            throw ApiException.invalid("tool_choice", "'tool_choice' is 'required' but no 'tools' were given.", "invalid_value");
        }
        return choice;
    }

    /** A {@code tool_choice} naming a function, which must be among the tools. */
    static ToolChoice named(String name, String path, List<ToolSpec> tools) {
        for (ToolSpec t : tools) if (t.name().equals(name)) return new ToolChoice.Named(name);
        throw ApiException.invalid(path, "Tool choice '" + name + "' is not among the provided 'tools'.", "invalid_value");
    }
}
