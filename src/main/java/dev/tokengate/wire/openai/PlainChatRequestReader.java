package dev.tokengate.wire.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.Json;
import dev.tokengate.core.ResponseFormat;
import dev.tokengate.core.Role;
import dev.tokengate.core.ToolChoice;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the common Chat Completions request straight from the bytes with Jackson's streaming parser, without the tree
 * {@link ChatRequestDecoder} reads: a model, messages of a role and a string content, and at most max_tokens (or
 * max_completion_tokens), stream, temperature, top_p, n and user, each of the expected type and range. Anything else (another
 * key, a null, a tool message, content parts, a value out of range, a key twice, bad JSON) gives null, and the caller
 * decodes the body the usual way, which accepts it or answers the error it always answered. So this reader only ever
 * returns what {@link ChatRequestDecoder#decode} would return for the same body.
 */
public final class PlainChatRequestReader {
    private static final int MODEL = 1, MESSAGES = 2, MAX_TOKENS = 4, MAX_COMPLETION_TOKENS = 8, STREAM = 16,
            TEMPERATURE = 32, TOP_P = 64, N = 128, USER = 256;

    private PlainChatRequestReader() {}

    /** The request, or null when the body is not of the common shape (then decode it with {@link ChatRequestDecoder}). */
    public static ChatRequest read(byte[] body) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            return read(p);
        } catch (IOException | RuntimeException unusual) {
            return null;
        }
    }

    private static ChatRequest read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) return null;
        int seen = 0;
        String model = null;
        List<ChatMessage> messages = null;
        Integer maxTokens = null, maxCompletionTokens = null, n = null;
        Double temperature = null, topP = null;
        boolean stream = false;
        String user = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            int field = field(p.currentName());
            if (field == 0 || (seen & field) != 0) return null;
            seen |= field;
            JsonToken v = p.nextToken();
            switch (field) {
                case MODEL -> {
                    if (v != JsonToken.VALUE_STRING) return null;
                    model = p.getText();
                    if (model.isBlank()) return null;
                }
                case MESSAGES -> {
                    if (v != JsonToken.START_ARRAY || (messages = messages(p)) == null) return null;
                }
                case MAX_TOKENS -> {
                    if ((maxTokens = count(p, v, Integer.MAX_VALUE)) == null) return null;
                }
                case MAX_COMPLETION_TOKENS -> {
                    if ((maxCompletionTokens = count(p, v, Integer.MAX_VALUE)) == null) return null;
                }
                case N -> {
                    if ((n = count(p, v, ChatRequestDecoder.MAX_N)) == null) return null;
                }
                case STREAM -> {
                    if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE) return null;
                    stream = v == JsonToken.VALUE_TRUE;
                }
                case TEMPERATURE -> {
                    if ((temperature = number(p, v, ChatRequestDecoder.MAX_TEMPERATURE)) == null) return null;
                }
                case TOP_P -> {
                    if ((topP = number(p, v, ChatRequestDecoder.MAX_TOP_P)) == null) return null;
                }
                case USER -> {
                    if (v != JsonToken.VALUE_STRING) return null;
                    user = p.getText();
                }
                default -> {
                    return null;
                }
            }
        }
        // the object must have ended, with nothing after it
        if (t != JsonToken.END_OBJECT || p.nextToken() != null || model == null || messages == null) return null;
        return new ChatRequest(model, messages, List.of(), new ToolChoice.None(), null, new ResponseFormat.Text(), stream,
                false, maxCompletionTokens != null ? maxCompletionTokens : maxTokens,
                ChatRequestDecoder.limitParam(maxCompletionTokens, maxTokens), temperature, topP, n == null ? 1 : n,
                List.of(), user, Json.object());
    }

    private static int field(String name) {
        return switch (name) {
            case "model" -> MODEL;
            case "messages" -> MESSAGES;
            case "max_tokens" -> MAX_TOKENS;
            case "max_completion_tokens" -> MAX_COMPLETION_TOKENS;
            case "stream" -> STREAM;
            case "temperature" -> TEMPERATURE;
            case "top_p" -> TOP_P;
            case "n" -> N;
            case "user" -> USER;
            default -> 0;
        };
    }

    /** The messages, each {@code {"role": ..., "content": "..."}} of any role but tool; null for anything else. */
    private static List<ChatMessage> messages(JsonParser p) throws IOException {
        List<ChatMessage> out = new ArrayList<>(4);
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
            Role role = null;
            String content = null;
            JsonToken f;
            while ((f = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (p.nextToken() != JsonToken.VALUE_STRING) return null;
                if (name.equals("role") && role == null) {
                    role = Role.fromWire(p.getText());
                    if (role == null || role == Role.TOOL) return null;
                } else if (name.equals("content") && content == null) {
                    content = p.getText();
                } else {
                    return null;
                }
            }
            if (f != JsonToken.END_OBJECT || role == null || content == null) return null;
            out.add(ChatMessage.text(role, content));
        }
        if (t != JsonToken.END_ARRAY || out.isEmpty()) return null;
        return List.copyOf(out);
    }

    /** An integer from 1 to {@code max} written as one (not 16.0, which the tree path also accepts); else null. */
    private static Integer count(JsonParser p, JsonToken v, int max) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) return null;
        int value = p.getIntValue();
        return value >= 1 && value <= max ? value : null;
    }

    /** A number from 0 to {@code max}; else null. */
    private static Double number(JsonParser p, JsonToken v, double max) throws IOException {
        double d;
        if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) d = p.getIntValue();
        else if (v == JsonToken.VALUE_NUMBER_FLOAT) d = p.getDoubleValue();
        else return null;
        return d >= 0 && d <= max ? d : null;
    }
}
