package dev.tokengate.wire.openai;

import dev.tokengate.core.ChatChunk;
import dev.tokengate.core.ChunkText;
import dev.tokengate.core.Role;
import dev.tokengate.core.Usage;
import dev.tokengate.wire.openai.JsonBytesCursor.Malformed;
import dev.tokengate.wire.openai.JsonBytesCursor.Token;
import dev.tokengate.wire.openai.ShapeReads.Unusual;
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
 * Reads one chat.completion.chunk straight from its bytes with a {@link JsonBytesCursor}, without building a tree (or
 * creating a Jackson parser): every event of every open stream passes here, so at thousands of streams the tree, and
 * then the parser, was a large part of the work and garbage per chunk.
 * It accepts only the usual shape (each key once, each known key of the type OpenAI documents, no top-level
 * {@code error}, nothing after the object) and reads it exactly as {@link UpstreamDecoder#chunk} reads its tree; for
 * anything else it answers null and the caller takes the tree path, whose leniency and error reports then apply.
 *
 * <p>{@link #readWithText} also tells, in the same pass, whether the event's own text may go to an OpenAI client with
 * only the model renamed (and the usage key added or cut, {@link StreamChunkRelay}): it may when a client reads it as
 * it would read {@link ChatEncoder#chunkBytes} of the same chunk, that is, besides the above, {@code object} is
 * "chat.completion.chunk", {@code id}, {@code created}, {@code model} and {@code choices} are present, each choice has
 * an {@code index}, a {@code delta} and a {@code finish_reason}, and {@code logprobs} an object or null, a delta's role
 * (if any) is "assistant", tool call fragments have an index and a function object (and type "function" with an id),
 * {@code service_tier} is a string or null, and a usage's {@code total_tokens} is the sum of its prompt and completion
 * tokens (the encoder writes the sum). What it does not look into (logprobs, refusals, usage details, a server's own
 * extension keys) reaches the client as the upstream sent it, as {@link PlainResponseRelay} does for plain answers.
 */
public final class StreamChunkReader {
    private StreamChunkReader() {}

    /** The keys read here and the extensions servers often send: reading them makes no string. */
    private static final JsonBytesCursor.Names KEYS = JsonBytesCursor.Names.of("id", "object", "created", "model",
            "choices", "usage", "system_fingerprint", "service_tier", "error", "index", "finish_reason", "delta", "role",
            "content", "tool_calls", "logprobs", "function", "name", "arguments", "type", "prompt_tokens",
            "completion_tokens", "total_tokens", "prompt_tokens_details", "cached_tokens", "completion_tokens_details",
            "reasoning_tokens", "audio_tokens", "accepted_prediction_tokens", "rejected_prediction_tokens", "refusal",
            "reasoning_content", "reasoning", "obfuscation", "stop_reason", "annotations", "audio");

    /** A chunk, and its own text when that may be relayed (else null). */
    public record WithText(ChatChunk chunk, ChunkText text) {}

    /**
     * The chunk, or null when the event is not of the usual shape. It reads the event's UTF-8 bytes (but, unlike
     * {@link #readWithText}, takes no byte order mark before the object).
     */
    public static ChatChunk read(String event) {
        try {
            JsonBytesCursor c = new JsonBytesCursor(event.getBytes(StandardCharsets.UTF_8), KEYS);
            ChatChunk chunk = new Reading(c, null).chunk();
            return c.nextToken() == null ? chunk : null;
        } catch (Unusual | Malformed | RuntimeException e) {
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
        try {
            JsonBytesCursor c = new JsonBytesCursor(json, KEYS);
            c.skipByteOrderMark(); // as the Jackson parser of bytes before it did
            Reading r = new Reading(c, json);
            ChatChunk chunk = r.chunk();
            if (c.nextToken() != null) return null;
            // an event whose data came on several lines holds line feeds, which would end the client's data line
            return new WithText(chunk, r.relayable && !c.sawLineBreak() ? r.text(json) : null);
        } catch (Unusual | Malformed | RuntimeException e) {
            return null;
        }
    }

    /** One pass over one event; {@code relayable} turns false at the first thing a relay may not pass on as it is. */
    private static final class Reading {
        private final JsonBytesCursor c;
        /** The event's bytes when reading them (positions are byte offsets into them), or null when reading a String. */
        private final byte[] json;
        boolean relayable;
        private int modelStart = -1;
        private int modelEnd = -1;
        private int usageKeyStart = -1;
        private int usageEnd = -1;
        private int closingBrace = -1;

        Reading(JsonBytesCursor c, byte[] json) {
            this.c = c;
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

        ChatChunk chunk() throws Malformed, Unusual {
            expect(c.nextToken(), Token.START_OBJECT);
            String id = "";
            long created = 0;
            String model = "";
            List<ChatChunk.Delta> choices = List.of();
            Usage usage = null;
            String fingerprint = null;
            int seen = 0;
            for (Token t = c.nextToken(); t != Token.END_OBJECT; t = c.nextToken()) {
                String key = c.name();
                Token v = c.nextToken();
                switch (key) {
                    case "id" -> {
                        seen = once(seen, 1);
                        id = string(c, v);
                    }
                    case "created" -> {
                        seen = once(seen, 2);
                        created = longValue(c, v);
                    }
                    case "model" -> {
                        seen = once(seen, 4);
                        modelStart = c.tokenStart();
                        model = string(c, v);
                        modelEnd = c.position();
                    }
                    case "choices" -> {
                        seen = once(seen, 8);
                        choices = choices(v);
                    }
                    case "usage" -> {
                        seen = once(seen, 16);
                        usageKeyStart = usageKeyStart(c.tokenStart());
                        usage = v == Token.NULL ? null : usage(v);
                        usageEnd = c.position();
                    }
                    case "system_fingerprint" -> {
                        seen = once(seen, 32);
                        fingerprint = v == Token.NULL ? null : string(c, v);
                    }
                    case "object" -> {
                        seen = once(seen, 64);
                        if (v != Token.STRING || !c.textIs("chat.completion.chunk")) relayable = false;
                        c.skipChildren();
                    }
                    case "service_tier" -> {
                        if ((seen & 128) != 0 || v != Token.NULL && v != Token.STRING) relayable = false;
                        seen |= 128;
                        c.skipChildren();
                    }
                    case "error" -> throw Unusual.INSTANCE; // the tree path reports it
                    default -> c.skipChildren();
                }
            }
            closingBrace = c.tokenStart();
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

        private Usage usage(Token v) throws Malformed, Unusual {
            boolean[] totalIsSum = {false};
            Usage u = ShapeReads.usage(c, v, totalIsSum);
            if (!totalIsSum[0]) relayable = false;
            return u;
        }

        private List<ChatChunk.Delta> choices(Token v) throws Malformed, Unusual {
            expect(v, Token.START_ARRAY);
            Token t = c.nextToken();
            if (t == Token.END_ARRAY) return List.of();
            ChatChunk.Delta first = choice(t);
            t = c.nextToken();
            if (t == Token.END_ARRAY) return List.of(first); // the usual single choice, without a list to copy
            List<ChatChunk.Delta> out = new ArrayList<>();
            out.add(first);
            for (; t != Token.END_ARRAY; t = c.nextToken()) out.add(choice(t));
            return List.copyOf(out);
        }

        private ChatChunk.Delta choice(Token start) throws Malformed, Unusual {
            expect(start, Token.START_OBJECT);
            int index = 0;
            Role role = null;
            String content = null;
            List<ChatChunk.ToolCallDelta> calls = null;
            String finish = null;
            int seen = 0;
            for (Token t = c.nextToken(); t != Token.END_OBJECT; t = c.nextToken()) {
                String key = c.name();
                Token v = c.nextToken();
                switch (key) {
                    case "index" -> {
                        seen = once(seen, 1);
                        index = intValue(c, v);
                    }
                    case "finish_reason" -> {
                        seen = once(seen, 2);
                        finish = nullableString(c, v);
                    }
                    case "delta" -> {
                        seen = once(seen, 4);
                        expect(v, Token.START_OBJECT);
                        int deltaSeen = 0;
                        for (Token d = c.nextToken(); d != Token.END_OBJECT; d = c.nextToken()) {
                            String field = c.name();
                            Token dv = c.nextToken();
                            switch (field) {
                                case "role" -> {
                                    deltaSeen = once(deltaSeen, 1);
                                    String wire = nullableString(c, dv);
                                    role = wire == null ? null : Role.fromWire(wire);
                                    if (!"assistant".equals(wire)) relayable = false;
                                }
                                case "content" -> {
                                    deltaSeen = once(deltaSeen, 2);
                                    content = nullableString(c, dv);
                                }
                                case "tool_calls" -> {
                                    deltaSeen = once(deltaSeen, 4);
                                    calls = dv == Token.NULL ? null : toolCalls(dv);
                                    if (calls == null || calls.isEmpty()) relayable = false;
                                }
                                default -> c.skipChildren();
                            }
                        }
                    }
                    case "logprobs" -> {
                        if ((seen & 8) != 0 || v != Token.NULL && v != Token.START_OBJECT) relayable = false;
                        seen |= 8;
                        c.skipChildren();
                    }
                    default -> c.skipChildren();
                }
            }
            if ((seen & (1 | 2 | 4)) != (1 | 2 | 4)) relayable = false;
            return new ChatChunk.Delta(index, role, content, calls, finish);
        }

        private List<ChatChunk.ToolCallDelta> toolCalls(Token v) throws Malformed, Unusual {
            expect(v, Token.START_ARRAY);
            List<ChatChunk.ToolCallDelta> out = new ArrayList<>(1);
            for (Token t = c.nextToken(); t != Token.END_ARRAY; t = c.nextToken()) {
                expect(t, Token.START_OBJECT);
                int index = 0;
                String id = null;
                String name = null;
                String arguments = null;
                String type = null;
                int seen = 0;
                for (Token f = c.nextToken(); f != Token.END_OBJECT; f = c.nextToken()) {
                    String key = c.name();
                    Token value = c.nextToken();
                    switch (key) {
                        case "index" -> {
                            seen = once(seen, 1);
                            index = intValue(c, value);
                        }
                        case "id" -> {
                            seen = once(seen, 2);
                            id = nullableString(c, value);
                        }
                        case "function" -> {
                            seen = once(seen, 4);
                            expect(value, Token.START_OBJECT);
                            int fnSeen = 0;
                            for (Token g = c.nextToken(); g != Token.END_OBJECT; g = c.nextToken()) {
                                String fnKey = c.name();
                                Token fnValue = c.nextToken();
                                switch (fnKey) {
                                    case "name" -> {
                                        fnSeen = once(fnSeen, 1);
                                        name = nullableString(c, fnValue);
                                    }
                                    case "arguments" -> {
                                        fnSeen = once(fnSeen, 2);
                                        arguments = nullableString(c, fnValue);
                                    }
                                    default -> c.skipChildren();
                                }
                            }
                        }
                        case "type" -> {
                            if (type != null || value != Token.STRING) {
                                relayable = false;
                                c.skipChildren(); // an object or array as the type: step over all of it
                            } else {
                                type = c.text();
                            }
                        }
                        default -> c.skipChildren();
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

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }
}
