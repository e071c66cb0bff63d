package dev.tokengate.wire.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tokengate.core.Json;
import dev.tokengate.wire.openai.JsonBytesCursor.Malformed;
import dev.tokengate.wire.openai.JsonBytesCursor.Token;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cursor must read every text token by token as the gateway's Jackson parser of bytes reads it. */
class JsonBytesCursorTest {
    private static final List<String> TEXTS = List.of(
            "{\"a\":[1,-0,0.5,-1.5e-3,1E+2,true,false,null,\"s\",{},[],{\"b\":{\"c\":[[]]}}],\"\\u00e9\\n\":\"\\ud83d\\ude00\","
                    + "\"d\":\"x\\u0000y\",\"e\":\"\",\"f\":{\"g\":[{\"h\":1}],\"i\":2},\"j\":3}",
            " { \"id\" : \"\u00e9\u8868\uD83D\uDE00\" , \"n\" : [ 2147483647 , 2147483648 , -2147483648 , -2147483649 ,"
                    + " 9223372036854775807 , 9223372036854775808 , -9223372036854775808 , -9223372036854775809 ] }\n",
            "[{\"a\":{\"b\":[]},\"c\":[{}]},[\"x\"],\"y\",{\"d\":null}]",
            "{\"\\u0069d\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\uD800\\uDFFF\\udc00\\ud800\",\"\\ud83d\\ude00\":1}",
            "{}", "[]", "\"s\"", "1", "-1.5", "true", "null", "");

    /** How Jackson reads {@code json}: each token with its value and positions, or "malformed". */
    private static List<String> jackson(byte[] json) {
        List<String> out = new ArrayList<>();
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
            int depth = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (depth == 0 && !out.isEmpty()) return List.of("malformed"); // a second root value
                StringBuilder d = new StringBuilder(t.name()).append(" at ").append(p.currentTokenLocation().getByteOffset());
                d.append(" in ").append(p.currentName());
                switch (t) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case VALUE_STRING -> d.append(" text ").append(p.getText());
                    case VALUE_NUMBER_INT -> {
                        JsonParser.NumberType type = p.getNumberType();
                        d.append(' ').append(type);
                        if (type != JsonParser.NumberType.BIG_INTEGER) d.append(' ').append(p.getLongValue());
                    }
                    default -> {}
                }
                if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NULL || t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    d.append(" to ").append(p.currentLocation().getByteOffset());
                }
                out.add(d.toString());
            }
            out.add("end in " + p.currentName());
            return out;
        } catch (IOException e) {
            return List.of("malformed");
        }
    }

    /** How the cursor reads {@code json}, described as {@link #jackson} describes Jackson's reading. */
    private static List<String> cursor(byte[] json) {
        List<String> out = new ArrayList<>();
        try {
            JsonBytesCursor c = new JsonBytesCursor(json, JsonBytesCursor.Names.of("a", "id", "n"));
            c.skipByteOrderMark();
            for (Token t = c.nextToken(); t != null; t = c.nextToken()) {
                StringBuilder d = new StringBuilder(jacksonName(t)).append(" at ").append(c.tokenStart());
                d.append(" in ").append(c.name());
                switch (t) {
                    case STRING -> d.append(" text ").append(c.text());
                    case INT -> {
                        d.append(c.isInt() ? " INT" : c.isLong() ? " LONG" : " BIG_INTEGER");
                        if (c.isLong()) d.append(' ').append(c.longValue());
                    }
                    default -> {}
                }
                if (t == Token.STRING || t == Token.NULL || t == Token.END_OBJECT || t == Token.END_ARRAY) {
                    d.append(" to ").append(c.position());
                }
                out.add(d.toString());
            }
            out.add("end in " + c.name());
            return out;
        } catch (Malformed e) {
            return List.of("malformed");
        }
    }

    private static String jacksonName(Token t) {
        return switch (t) {
            case NAME -> "FIELD_NAME";
            case STRING -> "VALUE_STRING";
            case INT -> "VALUE_NUMBER_INT";
            case FLOAT -> "VALUE_NUMBER_FLOAT";
            case TRUE -> "VALUE_TRUE";
            case FALSE -> "VALUE_FALSE";
            case NULL -> "VALUE_NULL";
            default -> t.name();
        };
    }

    private static void readsAsJackson(byte[] json) {
        List<String> expected = jackson(json);
        List<String> actual = cursor(json);
        if (!expected.equals(actual)) assertThat(actual).as(new String(json, StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    private static List<String> corpus() {
        List<String> texts = new ArrayList<>(TEXTS);
        texts.addAll(ChunkEventCorpus.recorded());
        texts.addAll(ChunkEventCorpus.usual());
        texts.addAll(ChunkEventCorpus.atLimits());
        return texts;
    }

    @Test
    void readsEveryTokenAsJacksonDoes() {
        for (String text : corpus()) {
            readsAsJackson(text.getBytes(StandardCharsets.UTF_8));
            readsAsJackson(("\uFEFF" + text).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void readsEveryCutAndOneByteChangeAsJacksonDoes() {
        byte[] changes = "\"\\{}[],: \n0-9.eEu+xtfnl\u0001".getBytes(StandardCharsets.US_ASCII);
        for (String text : TEXTS) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            for (int cut = 0; cut < bytes.length; cut++) readsAsJackson(Arrays.copyOf(bytes, cut));
            for (int at = 0; at < bytes.length; at++) {
                for (byte change : changes) {
                    byte[] replaced = bytes.clone();
                    replaced[at] = change;
                    if (Arrays.equals(new String(replaced, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8), replaced)) {
                        readsAsJackson(replaced); // only well-formed UTF-8, as the cursor's callers give it
                    }
                }
            }
        }
    }

    @Test
    void readsAKnownNameWithoutMakingAString() throws Malformed {
        String id = "id";
        JsonBytesCursor c = new JsonBytesCursor("{\"id\":1,\"other\":2}".getBytes(StandardCharsets.UTF_8), JsonBytesCursor.Names.of(id));
        c.nextToken();

        assertThat(c.nextToken()).isEqualTo(Token.NAME);
        assertThat(c.name()).isSameAs(id);
        c.nextToken();
        c.nextToken();
        assertThat(c.name()).isEqualTo("other");
    }

    @Test
    void tellsWhetherAStringIsSomeTextWithoutDecodingIt() throws Malformed {
        JsonBytesCursor c = new JsonBytesCursor("[\"chunk\",\"ch\\u0075nk\",\"chunks\"]".getBytes(StandardCharsets.UTF_8), null);
        c.nextToken();

        c.nextToken();
        assertThat(c.textIs("chunk")).isTrue();
        c.nextToken();
        assertThat(c.textIs("chunk")).isTrue();
        c.nextToken();
        assertThat(c.textIs("chunk")).isFalse();
    }
}
