package dev.tokengate.wire.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tokengate.core.Usage;
import dev.tokengate.wire.openai.JsonBytesCursor.Malformed;
import dev.tokengate.wire.openai.JsonBytesCursor.Token;
import java.io.IOException;

/**
 * What the streaming readers of upstream answers (PlainResponseReader, PlainResponseRelay, StreamChunkReader) share:
 * each reads only the usual shape straight from the text and gives up with {@link Unusual} on anything else, which
 * then takes the tree decoder's path. The reads come twice, from a Jackson parser and from a {@link JsonBytesCursor}
 * (StreamChunkReader's), and each pair must read alike.
 */
final class ShapeReads {
    private ShapeReads() {}

    /** Thrown to give up on the fast path; never escapes the readers. */
    static final class Unusual extends Exception {
        static final Unusual INSTANCE = new Unusual();

        private Unusual() {
            super(null, null, false, false);
        }
    }

    /** Marks {@code bit} seen; a key seen twice (where the tree keeps the last) is left to the tree decoder. */
    static int once(int seen, int bit) throws Unusual {
        if ((seen & bit) != 0) throw Unusual.INSTANCE;
        return seen | bit;
    }

    static void expect(JsonToken actual, JsonToken wanted) throws Unusual {
        if (actual != wanted) throw Unusual.INSTANCE;
    }

    static String string(JsonParser p, JsonToken v) throws IOException, Unusual {
        expect(v, JsonToken.VALUE_STRING);
        return p.getText();
    }

    /** A string or null; the tree decoder turns any other type into null too, but that is left to it. */
    static String nullableString(JsonParser p, JsonToken v) throws IOException, Unusual {
        return v == JsonToken.VALUE_NULL ? null : string(p, v);
    }

    static int intValue(JsonParser p, JsonToken v) throws IOException, Unusual {
        expect(v, JsonToken.VALUE_NUMBER_INT);
        if (p.getNumberType() != JsonParser.NumberType.INT) throw Unusual.INSTANCE;
        return p.getIntValue();
    }

    static long longValue(JsonParser p, JsonToken v) throws IOException, Unusual {
        expect(v, JsonToken.VALUE_NUMBER_INT);
        JsonParser.NumberType type = p.getNumberType();
        if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) throw Unusual.INSTANCE;
        return p.getLongValue();
    }

    /** A usage object: prompt, completion and cached prompt tokens; other keys are skipped. */
    static Usage usage(JsonParser p, JsonToken v) throws IOException, Unusual {
        return usage(p, v, null);
    }

    /**
     * As {@link #usage(JsonParser, JsonToken)}; sets {@code totalIsSum[0]} when it has a whole {@code total_tokens}
     * equal to its prompt plus completion tokens (what our encoder writes as the total).
     */
    static Usage usage(JsonParser p, JsonToken v, boolean[] totalIsSum) throws IOException, Unusual {
        expect(v, JsonToken.START_OBJECT);
        int prompt = 0;
        int completion = 0;
        int cached = 0;
        long total = -1;
        int seen = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            String key = p.currentName();
            JsonToken value = p.nextToken();
            switch (key) {
                case "prompt_tokens" -> {
                    seen = once(seen, 1);
                    prompt = intValue(p, value);
                }
                case "completion_tokens" -> {
                    seen = once(seen, 2);
                    completion = intValue(p, value);
                }
                case "total_tokens" -> {
                    if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                        total = total == -1 ? p.getLongValue() : -2; // a second one: not the sum we would write
                    } else {
                        total = -2;
                        p.skipChildren();
                    }
                }
                case "prompt_tokens_details" -> {
                    seen = once(seen, 4);
                    if (value == JsonToken.VALUE_NULL) continue;
                    expect(value, JsonToken.START_OBJECT);
                    int detailsSeen = 0;
                    for (JsonToken d = p.nextToken(); d != JsonToken.END_OBJECT; d = p.nextToken()) {
                        String detail = p.currentName();
                        JsonToken dv = p.nextToken();
                        if (detail.equals("cached_tokens")) {
                            detailsSeen = once(detailsSeen, 1);
                            cached = intValue(p, dv);
                        } else {
                            p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (totalIsSum != null) totalIsSum[0] = (seen & 3) == 3 && total == (long) prompt + completion;
        return new Usage(prompt, completion, cached);
    }

    static void expect(Token actual, Token wanted) throws Unusual {
        if (actual != wanted) throw Unusual.INSTANCE;
    }

    static String string(JsonBytesCursor c, Token v) throws Malformed, Unusual {
        expect(v, Token.STRING);
        return c.text();
    }

    static String nullableString(JsonBytesCursor c, Token v) throws Malformed, Unusual {
        return v == Token.NULL ? null : string(c, v);
    }

    static int intValue(JsonBytesCursor c, Token v) throws Unusual {
        expect(v, Token.INT);
        if (!c.isInt()) throw Unusual.INSTANCE;
        return (int) c.longValue();
    }

    static long longValue(JsonBytesCursor c, Token v) throws Unusual {
        expect(v, Token.INT);
        if (!c.isLong()) throw Unusual.INSTANCE;
        return c.longValue();
    }

    /** As {@link #usage(JsonParser, JsonToken, boolean[])}, from a cursor. */
    static Usage usage(JsonBytesCursor c, Token v, boolean[] totalIsSum) throws Malformed, Unusual {
        expect(v, Token.START_OBJECT);
        int prompt = 0;
        int completion = 0;
        int cached = 0;
        long total = -1;
        int seen = 0;
        for (Token t = c.nextToken(); t != Token.END_OBJECT; t = c.nextToken()) {
            String key = c.name();
            Token value = c.nextToken();
            switch (key) {
                case "prompt_tokens" -> {
                    seen = once(seen, 1);
                    prompt = intValue(c, value);
                }
                case "completion_tokens" -> {
                    seen = once(seen, 2);
                    completion = intValue(c, value);
                }
                case "total_tokens" -> {
                    if (value == Token.INT && c.isLong()) {
                        total = total == -1 ? c.longValue() : -2; // a second one: not the sum we would write
                    } else {
                        total = -2;
                        c.skipChildren();
                    }
                }
                case "prompt_tokens_details" -> {
                    seen = once(seen, 4);
                    if (value == Token.NULL) continue;
                    expect(value, Token.START_OBJECT);
                    int detailsSeen = 0;
                    for (Token d = c.nextToken(); d != Token.END_OBJECT; d = c.nextToken()) {
                        String detail = c.name();
                        Token dv = c.nextToken();
                        if (detail.equals("cached_tokens")) {
                            detailsSeen = once(detailsSeen, 1);
                            cached = intValue(c, dv);
                        } else {
                            c.skipChildren();
                        }
                    }
                }
                default -> c.skipChildren();
            }
        }
        if (totalIsSum != null) totalIsSum[0] = (seen & 3) == 3 && total == (long) prompt + completion;
        return new Usage(prompt, completion, cached);
    }
}
