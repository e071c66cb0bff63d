package dev.tokengate.wire.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tokengate.core.ChatMessage;
import dev.tokengate.core.ChatResponse;
import dev.tokengate.core.Choice;
import dev.tokengate.core.ContentPart;
import dev.tokengate.core.Json;
import dev.tokengate.core.Role;
import dev.tokengate.core.ToolCall;
import dev.tokengate.core.Usage;
import dev.tokengate.wire.openai.ShapeReads.Unusual;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.tokengate.wire.openai.ShapeReads.expect;
import static dev.tokengate.wire.openai.ShapeReads.intValue;
import static dev.tokengate.wire.openai.ShapeReads.longValue;
import static dev.tokengate.wire.openai.ShapeReads.once;
import static dev.tokengate.wire.openai.ShapeReads.string;
import static dev.tokengate.wire.openai.ShapeReads.usage;

/**
 * Reads a chat.completion straight from its bytes with a streaming parser, without building a tree, for the body
 * every plain request gets from its upstream. It accepts only the usual shape (each key once, each known key of the
 * type OpenAI documents, nothing after the object) and reads that exactly as {@link UpstreamDecoder#response} reads its
 * tree; for anything else (an unusual type, a repeated key, malformed JSON) it answers null, and the caller decodes the
 * tree, whose leniency and errors then apply.
 */
final class PlainResponseReader {
    private PlainResponseReader() {}

    /** The response, or null when the body is not of the usual shape. */
    static ChatResponse read(byte[] body) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            ChatResponse r = response(p);
            return p.nextToken() == null ? r : null;
        } catch (Unusual | IOException | RuntimeException e) {
            return null;
        }
    }

    private static ChatResponse response(JsonParser p) throws IOException, Unusual {
        expect(p.nextToken(), JsonToken.START_OBJECT);
        String id = "chatcmpl-upstream";
        long created = 0;
        String model = "";
        List<Choice> choices = null;
        Usage usage = null;
        String fingerprint = null;
        int seen = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            switch (key) {
                case "id" -> {
                    seen = once(seen, 1);
                    id = string(p, v);
                }
                case "created" -> {
                    seen = once(seen, 2);
                    created = longValue(p, v);
                }
                case "model" -> {
                    seen = once(seen, 4);
                    model = string(p, v);
                }
                case "choices" -> {
                    seen = once(seen, 8);
                    choices = choices(p, v);
                }
                case "usage" -> {
                    seen = once(seen, 16);
                    usage = v == JsonToken.VALUE_NULL ? null : usage(p, v);
                }
                case "system_fingerprint" -> {
                    seen = once(seen, 32);
                    fingerprint = v == JsonToken.VALUE_NULL ? null : string(p, v);
                }
                default -> p.skipChildren();
            }
        }
        if (choices == null) throw Unusual.INSTANCE; // the tree decoder says what is missing
        return new ChatResponse(id, created, model, List.copyOf(choices), usage, fingerprint);
    }

    private static List<Choice> choices(JsonParser p, JsonToken v) throws IOException, Unusual {
        expect(v, JsonToken.START_ARRAY);
        List<Choice> out = new ArrayList<>(1);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) out.add(choice(p, t, out.size()));
        return out;
    }

    private static Choice choice(JsonParser p, JsonToken start, int position) throws IOException, Unusual {
        expect(start, JsonToken.START_OBJECT);
        int index = position;
        ChatMessage message = null;
        String finish = "stop";
        int seen = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            switch (key) {
                case "index" -> {
                    seen = once(seen, 1);
                    index = intValue(p, v);
                }
                case "message" -> {
                    seen = once(seen, 2);
                    message = message(p, v);
                }
                case "finish_reason" -> {
                    seen = once(seen, 4);
                    finish = v == JsonToken.VALUE_NULL ? "stop" : string(p, v);
                }
                default -> p.skipChildren();
            }
        }
        if (message == null) throw Unusual.INSTANCE;
        return new Choice(index, message, finish);
    }

    private static ChatMessage message(JsonParser p, JsonToken v) throws IOException, Unusual {
        expect(v, JsonToken.START_OBJECT);
        List<ContentPart> parts = null;
        String refusal = null;
        List<ToolCall> calls = List.of();
        int seen = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            switch (key) {
                case "content" -> {
                    seen = once(seen, 1);
                    parts = value == JsonToken.VALUE_NULL ? null : List.of(new ContentPart.Text(string(p, value)));
                }
                case "refusal" -> {
                    seen = once(seen, 2);
                    refusal = value == JsonToken.VALUE_NULL ? null : string(p, value);
                }
                case "tool_calls" -> {
                    seen = once(seen, 4);
                    calls = value == JsonToken.VALUE_NULL ? List.of() : toolCalls(p, value);
                }
                default -> p.skipChildren();
            }
        }
        return new ChatMessage(Role.ASSISTANT, parts, true, null, calls, null, refusal);
    }

    private static List<ToolCall> toolCalls(JsonParser p, JsonToken v) throws IOException, Unusual {
        expect(v, JsonToken.START_ARRAY);
        List<ToolCall> out = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.START_OBJECT);
            String id = "";
            String name = "";
            String arguments = "";
            int seen = 0;
            for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                switch (key) {
                    case "id" -> {
                        seen = once(seen, 1);
                        id = string(p, value);
                    }
                    case "function" -> {
                        seen = once(seen, 2);
                        expect(value, JsonToken.START_OBJECT);
                        int fnSeen = 0;
                        for (JsonToken g = p.nextToken(); g != JsonToken.END_OBJECT; g = p.nextToken()) {
                            String fnKey = p.currentName();
                            JsonToken fnValue = p.nextToken();
                            switch (fnKey) {
                                case "name" -> {
                                    fnSeen = once(fnSeen, 1);
                                    name = string(p, fnValue);
                                }
                                case "arguments" -> {
                                    fnSeen = once(fnSeen, 2);
                                    arguments = string(p, fnValue);
                                }
                                default -> p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            out.add(new ToolCall(id, name, arguments));
        }
        return List.copyOf(out);
    }

}
