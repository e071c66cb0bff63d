package dev.tokengate.wire.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.Json;
import dev.tokengate.core.Role;
import dev.tokengate.core.Usage;
import dev.tokengate.wire.openai.ShapeReads.Unusual;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.tokengate.wire.openai.ShapeReads.expect;
import static dev.tokengate.wire.openai.ShapeReads.intValue;
import static dev.tokengate.wire.openai.ShapeReads.longValue;
import static dev.tokengate.wire.openai.ShapeReads.nullableString;
import static dev.tokengate.wire.openai.ShapeReads.once;
import static dev.tokengate.wire.openai.ShapeReads.string;
import static dev.tokengate.wire.openai.ShapeReads.usage;

/**
 * Reads one chat.completion.chunk straight from its text with a streaming parser, without building a tree: every
 * event of every open stream passes here, so at thousands of streams the tree was a large part of the work per chunk.
 * It accepts only the usual shape (each key once, each known key of the type OpenAI documents, no top-level
 * {@code error}, nothing after the object) and reads it exactly as {@link UpstreamDecoder#chunk} reads its tree; for
 * anything else it answers null and the caller takes the tree path, whose leniency and error reports then apply.
 */
public final class StreamChunkReader {
    private StreamChunkReader() {}

    /** The chunk, or null when the event is not of the usual shape. */
    public static ChatChunk read(String event) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(event)) {
            ChatChunk c = chunk(p);
            return p.nextToken() == null ? c : null;
        } catch (Unusual | IOException | RuntimeException e) {
            return null;
        }
    }

    private static ChatChunk chunk(JsonParser p) throws IOException, Unusual {
        expect(p.nextToken(), JsonToken.START_OBJECT);
        String id = "";
        long created = 0;
        String model = "";
        List<ChatChunk.Delta> choices = List.of();
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
                case "error" -> throw Unusual.INSTANCE; // the tree path reports it
                default -> p.skipChildren();
            }
        }
        return new ChatChunk(id, created, model, choices, usage, fingerprint);
    }

    private static List<ChatChunk.Delta> choices(JsonParser p, JsonToken v) throws IOException, Unusual {
        expect(v, JsonToken.START_ARRAY);
        List<ChatChunk.Delta> out = new ArrayList<>(1);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) out.add(choice(p, t));
        return List.copyOf(out);
    }

    private static ChatChunk.Delta choice(JsonParser p, JsonToken start) throws IOException, Unusual {
        expect(start, JsonToken.START_OBJECT);
        int index = 0;
        Role role = null;
        String content = null;
        List<ChatChunk.ToolCallDelta> calls = null;
        String finish = null;
        int seen = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            switch (key) {
                case "index" -> {
                    seen = once(seen, 1);
                    index = intValue(p, v);
                }
                case "finish_reason" -> {
                    seen = once(seen, 2);
                    finish = nullableString(p, v);
                }
                case "delta" -> {
                    seen = once(seen, 4);
                    expect(v, JsonToken.START_OBJECT);
                    int deltaSeen = 0;
                    for (JsonToken d = p.nextToken(); d != JsonToken.END_OBJECT; d = p.nextToken()) {
                        String field = p.currentName();
                        JsonToken dv = p.nextToken();
                        switch (field) {
                            case "role" -> {
                                deltaSeen = once(deltaSeen, 1);
                                String wire = nullableString(p, dv);
                                role = wire == null ? null : Role.fromWire(wire);
                            }
                            case "content" -> {
                                deltaSeen = once(deltaSeen, 2);
                                content = nullableString(p, dv);
                            }
                            case "tool_calls" -> {
                                deltaSeen = once(deltaSeen, 4);
                                calls = dv == JsonToken.VALUE_NULL ? null : toolCalls(p, dv);
                            }
                            default -> p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new ChatChunk.Delta(index, role, content, calls, finish);
    }

    private static List<ChatChunk.ToolCallDelta> toolCalls(JsonParser p, JsonToken v) throws IOException, Unusual {
        expect(v, JsonToken.START_ARRAY);
        List<ChatChunk.ToolCallDelta> out = new ArrayList<>(1);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.START_OBJECT);
            int index = 0;
            String id = null;
            String name = null;
            String arguments = null;
            int seen = 0;
            for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                switch (key) {
                    case "index" -> {
                        seen = once(seen, 1);
                        index = intValue(p, value);
                    }
                    case "id" -> {
                        seen = once(seen, 2);
                        id = nullableString(p, value);
                    }
                    case "function" -> {
                        seen = once(seen, 4);
                        expect(value, JsonToken.START_OBJECT);
                        int fnSeen = 0;
                        for (JsonToken g = p.nextToken(); g != JsonToken.END_OBJECT; g = p.nextToken()) {
                            String fnKey = p.currentName();
                            JsonToken fnValue = p.nextToken();
                            switch (fnKey) {
                                case "name" -> {
                                    fnSeen = once(fnSeen, 1);
                                    name = nullableString(p, fnValue);
                                }
                                case "arguments" -> {
                                    fnSeen = once(fnSeen, 2);
                                    arguments = nullableString(p, fnValue);
                                }
                                default -> p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            out.add(new ChatChunk.ToolCallDelta(index, id, name, arguments));
        }
        return out;
    }

}
