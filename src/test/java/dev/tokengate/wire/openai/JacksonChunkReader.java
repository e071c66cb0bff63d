package dev.tokengate.wire.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChunkText;
import dev.tokengate.core.Json;
import dev.tokengate.core.Role;
import dev.tokengate.core.Usage;
import dev.tokengate.wire.openai.ShapeReads.Unusual;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.tokengate.wire.openai.ShapeReads.expect;
import static dev.tokengate.wire.openai.ShapeReads.intValue;
import static dev.tokengate.wire.openai.ShapeReads.longValue;
import static dev.tokengate.wire.openai.ShapeReads.nullableString;
import static dev.tokengate.wire.openai.ShapeReads.once;
import static dev.tokengate.wire.openai.ShapeReads.string;

/**
 * The chunk reader as it was with a Jackson streaming parser, before {@link JsonBytesCursor}: kept as the oracle that
 * {@link StreamChunkReader} must agree with, event by event.
 */
final class JacksonChunkReader {
    private JacksonChunkReader() {}

    /** A chunk, and its own text when that may be relayed (else null). */
    record WithText(ChatChunk chunk, ChunkText text) {}

    /** The chunk, or null when the event is not of the usual shape. */
    public static ChatChunk read(String event) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(event)) {
            ChatChunk c = new Reading(p, null).chunk();
            return p.nextToken() == null ? c : null;
        } catch (Unusual | IOException | RuntimeException e) {
            return null;
        }
    }

    /** The chunk with its relayable text, or null when the event is not of the usual shape (then neither is read). */
    public static WithText readWithText(String event) {
        return readWithText(event.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * As {@link #readWithText(String)}, from the event's bytes as they came. Bytes that are not all ASCII go through a
     * string first, as they always did, so malformed UTF-8 reaches the reader (and a relayed frame) replaced, not raw.
     */
    public static WithText readWithText(byte[] event) {
        byte[] json = isAscii(event) ? event : new String(event, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
            Reading r = new Reading(p, json);
            ChatChunk c = r.chunk();
            if (p.nextToken() != null) return null;
            // an event whose data came on several lines holds line feeds, which would end the client's data line
            return new WithText(c, r.relayable && !hasLineBreak(json) ? r.text(json) : null);
        } catch (Unusual | IOException | RuntimeException e) {
            return null;
        }
    }

    /** One pass over one event; {@code relayable} turns false at the first thing a relay may not pass on as it is. */
    private static final class Reading {
        private final JsonParser p;
        /** The event's bytes when reading them (positions are byte offsets into them), or null when reading a String. */
        private final byte[] json;
        boolean relayable;
        private int modelStart = -1;
        private int modelEnd = -1;
        private int usageKeyStart = -1;
        private int usageEnd = -1;
        private int closingBrace = -1;

        Reading(JsonParser p, byte[] json) {
            this.p = p;
            this.json = json;
            this.relayable = json != null;
        }

        ChunkText text(byte[] json) {
            int cutStart = -1;
            int cutEnd = -1;
            if (usageKeyStart >= 0) {
                int before = usageKeyStart - 1;
                while (before >= 0 && isSpace(json[before])) before--;
                if (before >= 0 && json[before] == ',') {
                    cutStart = before;
                    cutEnd = usageEnd;
                } else {
                    int after = usageEnd;
                    while (after < json.length && isSpace(json[after])) after++;
                    if (after >= json.length || json[after] != ',') return null;
                    cutStart = usageKeyStart;
                    cutEnd = after + 1;
                }
            }
            return new ChunkText(json, modelStart, modelEnd, cutStart, cutEnd, closingBrace);
        }

        ChatChunk chunk() throws IOException, Unusual {
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
                        modelStart = offset(p.currentTokenLocation().getByteOffset());
                        model = string(p, v);
                        modelEnd = offset(p.currentLocation().getByteOffset());
                    }
                    case "choices" -> {
                        seen = once(seen, 8);
                        choices = choices(v);
                    }
                    case "usage" -> {
                        seen = once(seen, 16);
                        usageKeyStart = usageKeyStart(offset(p.currentTokenLocation().getByteOffset()));
                        usage = v == JsonToken.VALUE_NULL ? null : usage(v);
                        usageEnd = offset(p.currentLocation().getByteOffset());
                    }
                    case "system_fingerprint" -> {
                        seen = once(seen, 32);
                        fingerprint = v == JsonToken.VALUE_NULL ? null : string(p, v);
                    }
                    case "object" -> {
                        seen = once(seen, 64);
                        if (v != JsonToken.VALUE_STRING || !"chat.completion.chunk".equals(p.getText())) relayable = false;
                        p.skipChildren();
                    }
                    case "service_tier" -> {
                        if ((seen & 128) != 0 || v != JsonToken.VALUE_NULL && v != JsonToken.VALUE_STRING) relayable = false;
                        seen |= 128;
                        p.skipChildren();
                    }
                    case "error" -> throw Unusual.INSTANCE; // the tree path reports it
                    default -> p.skipChildren();
                }
            }
            closingBrace = offset(p.currentTokenLocation().getByteOffset());
            if ((seen & (1 | 2 | 4 | 8 | 64)) != (1 | 2 | 4 | 8 | 64)) relayable = false;
            return new ChatChunk(id, created, model, choices, usage, fingerprint);
        }

        /**
         * Where the {@code "usage"} key begins, given where its value begins; -1 (and not relayable) when it is not
         * written plainly (an escaped key), which a relay could not cut.
         */
        private int usageKeyStart(int valueStart) {
            if (json == null || valueStart < 0) {
                relayable = false;
                return -1;
            }
            int i = valueStart - 1;
            while (i >= 0 && isSpace(json[i])) i--;
            if (i < 0 || json[i] != ':') {
                relayable = false;
                return -1;
            }
            i--;
            while (i >= 0 && isSpace(json[i])) i--;
            int start = i - 6;
            if (start < 0 || !plainUsageKey(json, start)) {
                relayable = false;
                return -1;
            }
            return start;
        }

        private static boolean plainUsageKey(byte[] json, int at) {
            byte[] key = {'"', 'u', 's', 'a', 'g', 'e', '"'};
            for (int k = 0; k < key.length; k++) if (json[at + k] != key[k]) return false;
            return true;
        }

        private Usage usage(JsonToken v) throws IOException, Unusual {
            boolean[] totalIsSum = {false};
            Usage u = ShapeReads.usage(p, v, totalIsSum);
            if (!totalIsSum[0]) relayable = false;
            return u;
        }

        private List<ChatChunk.Delta> choices(JsonToken v) throws IOException, Unusual {
            expect(v, JsonToken.START_ARRAY);
            List<ChatChunk.Delta> out = new ArrayList<>(1);
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) out.add(choice(t));
            return List.copyOf(out);
        }

        private ChatChunk.Delta choice(JsonToken start) throws IOException, Unusual {
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
                                    if (!"assistant".equals(wire)) relayable = false;
                                }
                                case "content" -> {
                                    deltaSeen = once(deltaSeen, 2);
                                    content = nullableString(p, dv);
                                }
                                case "tool_calls" -> {
                                    deltaSeen = once(deltaSeen, 4);
                                    calls = dv == JsonToken.VALUE_NULL ? null : toolCalls(dv);
                                    if (calls == null || calls.isEmpty()) relayable = false;
                                }
                                default -> p.skipChildren();
                            }
                        }
                    }
                    case "logprobs" -> {
                        if ((seen & 8) != 0 || v != JsonToken.VALUE_NULL && v != JsonToken.START_OBJECT) relayable = false;
                        seen |= 8;
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if ((seen & (1 | 2 | 4)) != (1 | 2 | 4)) relayable = false;
            return new ChatChunk.Delta(index, role, content, calls, finish);
        }

        private List<ChatChunk.ToolCallDelta> toolCalls(JsonToken v) throws IOException, Unusual {
            expect(v, JsonToken.START_ARRAY);
            List<ChatChunk.ToolCallDelta> out = new ArrayList<>(1);
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                expect(t, JsonToken.START_OBJECT);
                int index = 0;
                String id = null;
                String name = null;
                String arguments = null;
                String type = null;
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
                        case "type" -> {
                            if (type != null || value != JsonToken.VALUE_STRING) {
                                relayable = false;
                                p.skipChildren();
                            } else {
                                type = p.getText();
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
                boolean typed = "function".equals(type);
                if ((seen & (1 | 4)) != (1 | 4) || (id != null ? !typed : type != null && !typed)) relayable = false;
                out.add(new ChatChunk.ToolCallDelta(index, id, name, arguments));
            }
            return out;
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) return false;
        }
        return true;
    }

    private static boolean hasLineBreak(byte[] json) {
        for (byte b : json) {
            if (b == '\n' || b == '\r') return true;
        }
        return false;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static int offset(long byteOffset) {
        return byteOffset < 0 || byteOffset > Integer.MAX_VALUE ? -1 : (int) byteOffset;
    }
}
