package dev.tokengate.wire.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.tokengate.core.Json;
import dev.tokengate.core.RelayedAnswer;
import dev.tokengate.core.Usage;
import dev.tokengate.wire.openai.ShapeReads.Unusual;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static dev.tokengate.wire.openai.ShapeReads.expect;
import static dev.tokengate.wire.openai.ShapeReads.intValue;
import static dev.tokengate.wire.openai.ShapeReads.once;

/**
 * Passes an upstream's chat.completion to the client as its own bytes, with only the {@code model} value replaced by
 * the public model: one pass of a streaming parser checks the shape and reads the usage, and nothing is decoded into
 * objects or encoded again.
 *
 * <p>It relays only a body the client may read as it would read {@link ChatEncoder#responseBytes} of the same answer
 * (and that fits the ChatCompletion schema of our OpenAPI document): UTF-8 JSON, each key below once, {@code object}
 * "chat.completion", {@code id}, {@code created}, {@code model} and {@code choices} present; each choice with an
 * {@code index}, a {@code finish_reason} string, {@code logprobs} an object or null, and an assistant {@code message}
 * whose {@code content} is a string or null and whose tool calls, if any, are a list of complete functions;
 * {@code service_tier} and {@code system_fingerprint} strings or null; a usage whose {@code total_tokens} is the sum of
 * its prompt and completion tokens. For anything else (where the encoder would fill in a default, or the decoder would
 * be lenient) it answers null and the caller takes the decoding path. What it does not look into (the logprobs,
 * annotations, usage details, a server's own extension keys) reaches the client as the upstream sent it.
 */
public final class PlainResponseRelay {
    private PlainResponseRelay() {}

    /** The answer to send, or null when the body is not of the usual shape. */
    public static RelayedAnswer relay(byte[] body, String publicModel) {
        // JSON that starts with '{' is UTF-8 (what the client must get); UTF-16 and UTF-32 would start with a zero byte
        if (body.length == 0 || body[firstNonSpace(body)] != '{') return null;
        try (JsonParser p = Json.MAPPER.getFactory().createParser(body)) {
            Read read = response(p);
            if (p.nextToken() != null) return null;
            return new RelayedAnswer(splice(body, read.modelStart, read.modelEnd, quoted(publicModel)), read.usage);
        } catch (Unusual | IOException | RuntimeException e) {
            return null;
        }
    }

    private record Read(int modelStart, int modelEnd, Usage usage) {}

    private static int firstNonSpace(byte[] body) {
        int i = 0;
        while (i < body.length - 1 && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t')) i++;
        return i;
    }

    private static Read response(JsonParser p) throws IOException, Unusual {
        expect(p.nextToken(), JsonToken.START_OBJECT);
        int modelStart = -1;
        int modelEnd = -1;
        Usage usage = null;
        int seen = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            switch (key) {
                case "id" -> {
                    seen = once(seen, 1);
                    expect(v, JsonToken.VALUE_STRING);
                }
                case "object" -> {
                    seen = once(seen, 2);
                    expect(v, JsonToken.VALUE_STRING);
                    if (!"chat.completion".equals(p.getText())) throw Unusual.INSTANCE;
                }
                case "created" -> {
                    seen = once(seen, 4);
                    wholeNumber(p, v);
                }
                case "model" -> {
                    seen = once(seen, 8);
                    expect(v, JsonToken.VALUE_STRING);
                    modelStart = offset(p.currentTokenLocation().getByteOffset());
                    p.getTextLength(); // reads the string to its closing quote
                    modelEnd = offset(p.currentLocation().getByteOffset());
                }
                case "choices" -> {
                    seen = once(seen, 16);
                    choices(p, v);
                }
                case "usage" -> {
                    seen = once(seen, 32);
                    usage = v == JsonToken.VALUE_NULL ? null : usage(p, v);
                }
                case "system_fingerprint" -> {
                    seen = once(seen, 64);
                    if (v != JsonToken.VALUE_NULL) expect(v, JsonToken.VALUE_STRING);
                }
                case "service_tier" -> {
                    seen = once(seen, 128);
                    if (v != JsonToken.VALUE_NULL) expect(v, JsonToken.VALUE_STRING);
                }
                default -> p.skipChildren();
            }
        }
        if ((seen & 31) != 31) throw Unusual.INSTANCE;
        return new Read(modelStart, modelEnd, usage == null ? Usage.ZERO : usage);
    }

    private static void choices(JsonParser p, JsonToken v) throws IOException, Unusual {
        expect(v, JsonToken.START_ARRAY);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) choice(p, t);
    }

    private static void choice(JsonParser p, JsonToken start) throws IOException, Unusual {
        expect(start, JsonToken.START_OBJECT);
        int seen = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            switch (key) {
                case "index" -> {
                    seen = once(seen, 1);
                    intValue(p, v);
                }
                case "message" -> {
                    seen = once(seen, 2);
                    message(p, v);
                }
                case "finish_reason" -> {
                    seen = once(seen, 4);
                    expect(v, JsonToken.VALUE_STRING);
                }
                case "logprobs" -> {
                    seen = once(seen, 8);
                    if (v != JsonToken.VALUE_NULL) expect(v, JsonToken.START_OBJECT);
                    p.skipChildren();
                }
                default -> p.skipChildren();
            }
        }
        if ((seen & 7) != 7) throw Unusual.INSTANCE;
    }

    private static void message(JsonParser p, JsonToken v) throws IOException, Unusual {
        expect(v, JsonToken.START_OBJECT);
        int seen = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            switch (key) {
                case "role" -> {
                    seen = once(seen, 1);
                    expect(value, JsonToken.VALUE_STRING);
                    if (!"assistant".equals(p.getText())) throw Unusual.INSTANCE;
                }
                case "content" -> {
                    seen = once(seen, 2);
                    stringOrNull(p, value);
                }
                case "refusal" -> {
                    seen = once(seen, 4);
                    stringOrNull(p, value);
                }
                case "tool_calls" -> {
                    seen = once(seen, 8);
                    toolCalls(p, value); // null too is left to the encoder, which leaves the key out
                }
                default -> p.skipChildren();
            }
        }
        if ((seen & 3) != 3) throw Unusual.INSTANCE;
    }

    private static void toolCalls(JsonParser p, JsonToken v) throws IOException, Unusual {
        expect(v, JsonToken.START_ARRAY);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.START_OBJECT);
            int seen = 0;
            for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
                String key = p.currentName();
                JsonToken value = p.nextToken();
                switch (key) {
                    case "id" -> {
                        seen = once(seen, 1);
                        expect(value, JsonToken.VALUE_STRING);
                    }
                    case "type" -> {
                        seen = once(seen, 2);
                        expect(value, JsonToken.VALUE_STRING);
                        if (!"function".equals(p.getText())) throw Unusual.INSTANCE;
                    }
                    case "function" -> {
                        seen = once(seen, 4);
                        function(p, value);
                    }
                    default -> p.skipChildren();
                }
            }
            if (seen != 7) throw Unusual.INSTANCE;
        }
    }

    private static void function(JsonParser p, JsonToken v) throws IOException, Unusual {
        expect(v, JsonToken.START_OBJECT);
        int seen = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            switch (key) {
                case "name" -> {
                    seen = once(seen, 1);
                    expect(value, JsonToken.VALUE_STRING);
                }
                case "arguments" -> {
                    seen = once(seen, 2);
                    expect(value, JsonToken.VALUE_STRING);
                }
                default -> p.skipChildren();
            }
        }
        if (seen != 3) throw Unusual.INSTANCE;
    }

    private static Usage usage(JsonParser p, JsonToken v) throws IOException, Unusual {
        boolean[] totalIsSum = {false};
        Usage usage = ShapeReads.usage(p, v, totalIsSum);
        // the encoder writes the sum as the total, whatever the upstream said
        if (!totalIsSum[0]) throw Unusual.INSTANCE;
        return usage;
    }

    /** The body with bytes [start, end) replaced by {@code model}. */
    private static byte[] splice(byte[] body, int start, int end, byte[] model) {
        byte[] out = new byte[body.length - (end - start) + model.length];
        System.arraycopy(body, 0, out, 0, start);
        System.arraycopy(model, 0, out, start, model.length);
        System.arraycopy(body, end, out, start + model.length, body.length - end);
        return out;
    }

    /** Each public model as a JSON string literal, made once (a handful of names, from the configuration). */
    private static final Map<String, byte[]> QUOTED = new ConcurrentHashMap<>();

    /** The model as a JSON string literal in UTF-8, quotes included. */
    static byte[] quoted(String model) {
        byte[] cached = QUOTED.get(model);
        if (cached != null) return cached;
        byte[] literal = literal(model);
        if (QUOTED.size() < 1_000) QUOTED.put(model, literal);
        return literal;
    }

    private static byte[] literal(String model) {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(model);
        byte[] out = new byte[escaped.length + 2];
        out[0] = '"';
        System.arraycopy(escaped, 0, out, 1, escaped.length);
        out[out.length - 1] = '"';
        return out;
    }

    private static int offset(long byteOffset) throws Unusual {
        if (byteOffset < 0 || byteOffset > Integer.MAX_VALUE) throw Unusual.INSTANCE;
        return (int) byteOffset;
    }

    private static void stringOrNull(JsonParser p, JsonToken v) throws Unusual {
        if (v != JsonToken.VALUE_NULL) expect(v, JsonToken.VALUE_STRING);
    }

    private static void wholeNumber(JsonParser p, JsonToken v) throws IOException, Unusual {
        expect(v, JsonToken.VALUE_NUMBER_INT);
        JsonParser.NumberType type = p.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) throw Unusual.INSTANCE;
    }
}
