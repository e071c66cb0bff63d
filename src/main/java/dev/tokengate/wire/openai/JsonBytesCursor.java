package dev.tokengate.wire.openai;

import java.nio.charset.StandardCharsets;

/**
 * A forward-only reader of the tokens of one JSON text held as UTF-8 bytes, for a reader that runs on every event of
 * every open stream: a Jackson parser costs a dozen objects to create, this costs one. It gives the tokens, values and
 * byte offsets a Jackson streaming parser gives with the gateway's settings ({@link dev.tokengate.core.Json#MAPPER})
 * and rejects what that parser rejects: malformed JSON (strictly: no comments, no leading zeros, no unescaped control
 * characters, only the escapes JSON has), nesting deeper than 200, numbers of more than 200 digits, names of more than
 * 50,000 bytes, read strings of more than 64 Mi chars, and anything after the root value but whitespace.
 *
 * <p>The bytes must be well-formed UTF-8: the callers make sure of that, so it is not checked again here.
 */
final class JsonBytesCursor {
    enum Token { START_OBJECT, END_OBJECT, START_ARRAY, END_ARRAY, NAME, STRING, INT, FLOAT, TRUE, FALSE, NULL }

    /** Thrown for a text that is not JSON or passes a limit; never escapes the readers. */
    static final class Malformed extends Exception {
        static final Malformed INSTANCE = new Malformed();

        private Malformed() {
            super(null, null, false, false);
        }
    }

    private static final int MAX_DEPTH = 200;
    private static final int MAX_NUMBER_DIGITS = 200;
    private static final int MAX_NAME_BYTES = 50_000;
    private static final int MAX_STRING_CHARS = 64 * 1024 * 1024;

    // what may come next
    private static final int VALUE = 0;
    private static final int NAME = 1;
    private static final int NAME_OR_END = 2;
    private static final int VALUE_OR_END = 3;
    private static final int COLON = 4;
    private static final int COMMA_OR_END = 5;

    private final byte[] in;
    private final Names names;
    private int start;
    private int pos;
    private int tokens;
    private boolean lineBreak;
    private int next = VALUE;
    private int depth;
    /** Bit {@code d}: the container at depth {@code d} is an array (else an object); past depth 63, in deepArrays. */
    private long arrays;
    private long[] deepArrays;
    private Token token;
    private int tokenStart;
    // of a name or string token: the bytes between its quotes
    private int textStart;
    private int textEnd;
    private boolean escaped;
    private boolean nonAscii;
    // of an integer token: its digits, and its value once asked for
    private boolean negative;
    private int digitsStart;
    private int digitsEnd;
    private int integerRange = UNPARSED;
    private long integer;

    private static final int UNPARSED = 0;
    private static final int IN_INT = 1;
    private static final int IN_LONG = 2;
    private static final int BEYOND_LONG = 3;

    /** A cursor before the first token of {@code in}; names among {@code names} are read without a new string. */
    JsonBytesCursor(byte[] in, Names names) {
        this.in = in;
        this.names = names;
    }

    /**
     * Skips a UTF-8 byte order mark at the start, as Jackson's parser of bytes does (offsets stay those of the bytes):
     * only when a fourth byte follows, as Jackson looks for it only then.
     */
    void skipByteOrderMark() {
        if (pos == 0 && in.length >= 4 && in[0] == (byte) 0xEF && in[1] == (byte) 0xBB && in[2] == (byte) 0xBF) {
            start = 3;
            pos = 3;
        }
    }

    /** The next token, or null at the end of the text after the root value (or of an empty text). */
    Token nextToken() throws Malformed {
        Token t = advance();
        if (t != null) tokens++;
        return t;
    }

    private Token advance() throws Malformed {
        int b = skipSpace();
        switch (next) {
            case COMMA_OR_END -> {
                if (depth == 0) {
                    if (b < 0) return token = null;
                    throw Malformed.INSTANCE;
                }
                if (b != ',') return close(b);
                pos++;
                next = inArray() ? VALUE : NAME;
                b = skipSpace();
            }
            case COLON -> {
                if (b != ':') throw Malformed.INSTANCE;
                pos++;
                next = VALUE;
                b = skipSpace();
            }
            case NAME_OR_END -> {
                if (b == '}') return close(b);
                next = NAME;
            }
            case VALUE_OR_END -> {
                if (b == ']') return close(b);
                next = VALUE;
            }
            default -> {
                if (b < 0 && depth == 0) return token = null;
            }
        }
        tokenStart = pos;
        if (next == NAME) {
            if (b != '"') throw Malformed.INSTANCE;
            if (string(true) > MAX_NAME_BYTES) throw Malformed.INSTANCE;
            next = COLON;
            return token = Token.NAME;
        }
        return value(b);
    }

    /** After a start token, moves to its end token (reading all between); after any other token, does nothing. */
    void skipChildren() throws Malformed {
        if (token != Token.START_OBJECT && token != Token.START_ARRAY) return;
        int open = 1;
        while (open > 0) {
            Token t = nextToken();
            if (t == null) throw Malformed.INSTANCE;
            if (t == Token.START_OBJECT || t == Token.START_ARRAY) open++;
            else if (t == Token.END_OBJECT || t == Token.END_ARRAY) open--;
        }
    }

    /** Where the current token begins: its first byte (a string's opening quote). */
    int tokenStart() {
        return tokenStart;
    }

    /**
     * Whether a line feed or carriage return came between the tokens read so far: once the text is read, whether it
     * holds one at all (inside a string one would not be JSON).
     */
    boolean sawLineBreak() {
        return lineBreak;
    }

    /** Where reading stands: just after the current token. */
    int position() {
        return pos;
    }

    /**
     * The current name token's name; at another token, as Jackson's {@code currentName()}, the name of the field whose
     * value the token is (or starts or ends), null in an array or at the root.
     */
    String name() throws Malformed {
        if (token != Token.NAME) return enclosingName();
        if (!escaped && !nonAscii && names != null) {
            String known = names.find(in, textStart, textEnd);
            if (known != null) return known;
        }
        return decode();
    }

    /** The current string token's value. */
    String text() throws Malformed {
        if (token != Token.STRING) throw new IllegalStateException("not at a string: " + token);
        String s = decode();
        if (s.length() > MAX_STRING_CHARS) throw Malformed.INSTANCE;
        return s;
    }

    /** Whether the current string token's value is {@code ascii}, without making a string of it when it can. */
    boolean textIs(String ascii) throws Malformed {
        if (token != Token.STRING) throw new IllegalStateException("not at a string: " + token);
        if (escaped || textEnd - textStart > MAX_STRING_CHARS) return text().equals(ascii);
        if (textEnd - textStart != ascii.length()) return false;
        for (int k = 0; k < ascii.length(); k++) if (in[textStart + k] != ascii.charAt(k)) return false;
        return true;
    }

    /** Whether the current integer token's value is an int. */
    boolean isInt() {
        return range() == IN_INT;
    }

    /** Whether the current integer token's value is a long (ints included). */
    boolean isLong() {
        return range() <= IN_LONG;
    }

    /** The current integer token's value, when {@link #isLong}. */
    long longValue() {
        range();
        return integer;
    }

    /**
     * The name of the field holding the current token: only a reader gone astray in an unusual shape asks for it, so
     * the names are not kept on the way but found by reading the text again up to the current token.
     */
    private String enclosingName() throws Malformed {
        int d = token == Token.START_OBJECT || token == Token.START_ARRAY ? depth - 1 : depth;
        if (d == 0 || isArray(d)) return null;
        JsonBytesCursor replay = new JsonBytesCursor(in, null);
        replay.pos = start;
        int[] nameAt = new int[MAX_DEPTH + 1];
        for (int k = 0; k < tokens; k++) {
            if (replay.nextToken() == Token.NAME) nameAt[replay.depth] = replay.tokenStart;
        }
        replay.pos = nameAt[d];
        replay.string(true);
        return replay.decode();
    }

    private Token close(int b) throws Malformed {
        if (b != (inArray() ? ']' : '}')) throw Malformed.INSTANCE;
        tokenStart = pos++;
        depth--;
        next = COMMA_OR_END;
        return token = b == '}' ? Token.END_OBJECT : Token.END_ARRAY;
    }

    private Token value(int b) throws Malformed {
        switch (b) {
            case '{' -> {
                open(false);
                next = NAME_OR_END;
                return token = Token.START_OBJECT;
            }
            case '[' -> {
                open(true);
                next = VALUE_OR_END;
                return token = Token.START_ARRAY;
            }
            case '"' -> {
                string(false);
                next = COMMA_OR_END;
                return token = Token.STRING;
            }
            case 't' -> {
                return literal("true", Token.TRUE);
            }
            case 'f' -> {
                return literal("false", Token.FALSE);
            }
            case 'n' -> {
                return literal("null", Token.NULL);
            }
            default -> {
                if (b == '-' || b >= '0' && b <= '9') return number();
                throw Malformed.INSTANCE;
            }
        }
    }

    private void open(boolean array) throws Malformed {
        if (depth == MAX_DEPTH) throw Malformed.INSTANCE;
        pos++;
        depth++;
        long bit = 1L << (depth & 63);
        if (depth < 64) {
            arrays = array ? arrays | bit : arrays & ~bit;
        } else {
            if (deepArrays == null) deepArrays = new long[MAX_DEPTH >> 6];
            int word = (depth >> 6) - 1;
            deepArrays[word] = array ? deepArrays[word] | bit : deepArrays[word] & ~bit;
        }
    }

    private boolean inArray() {
        return isArray(depth);
    }

    private boolean isArray(int d) {
        long word = d < 64 ? arrays : deepArrays[(d >> 6) - 1];
        return (word & 1L << (d & 63)) != 0;
    }

    private Token literal(String word, Token t) throws Malformed {
        if (pos + word.length() > in.length) throw Malformed.INSTANCE;
        for (int k = 1; k < word.length(); k++) if (in[pos + k] != word.charAt(k)) throw Malformed.INSTANCE;
        pos += word.length();
        next = COMMA_OR_END;
        return token = t;
    }

    /**
     * Reads the string whose opening quote is at {@code pos}, checking its escapes; answers the length in UTF-8 of its
     * value. In a name, as Jackson has it, an escaped surrogate must be half of an escaped pair.
     */
    private int string(boolean name) throws Malformed {
        int i = pos + 1;
        int n = in.length;
        int lengthChange = 0;
        boolean anyEscape = false;
        boolean anyNonAscii = false;
        while (true) {
            byte b = 0;
            while (i < n && (b = in[i]) >= 0x20 && b != '"' && b != '\\') i++;
            if (i >= n) throw Malformed.INSTANCE;
            if (b == '"') break;
            if (b < 0) {
                anyNonAscii = true;
                i++;
            } else if (b == '\\') {
                anyEscape = true;
                if (i + 1 >= n) throw Malformed.INSTANCE;
                if (in[i + 1] == 'u') {
                    int c = hex4(i + 2);
                    if (name && Character.isSurrogate((char) c)) {
                        if (Character.isLowSurrogate((char) c) || i + 7 >= n || in[i + 6] != '\\' || in[i + 7] != 'u'
                                || !Character.isLowSurrogate((char) hex4(i + 8))) {
                            throw Malformed.INSTANCE;
                        }
                        lengthChange += 4 - 12;
                        i += 12;
                    } else {
                        lengthChange += (c < 0x80 ? 1 : c < 0x800 ? 2 : 3) - 6;
                        i += 6;
                    }
                } else {
                    unescaped(in[i + 1]);
                    lengthChange -= 1;
                    i += 2;
                }
            } else {
                throw Malformed.INSTANCE; // a control character
            }
        }
        textStart = pos + 1;
        textEnd = i;
        escaped = anyEscape;
        nonAscii = anyNonAscii;
        pos = i + 1;
        return textEnd - textStart + lengthChange;
    }

    private int hex4(int at) throws Malformed {
        if (at + 4 > in.length) throw Malformed.INSTANCE;
        int c = 0;
        for (int k = at; k < at + 4; k++) {
            int b = in[k];
            int digit = b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
            if (digit < 0) throw Malformed.INSTANCE;
            c = c << 4 | digit;
        }
        return c;
    }

    private static char unescaped(byte e) throws Malformed {
        return switch (e) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '/' -> '/';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> throw Malformed.INSTANCE;
        };
    }

    private String decode() throws Malformed {
        int length = textEnd - textStart;
        if (!escaped) {
            return new String(in, textStart, length, nonAscii ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        }
        char[] out = new char[length]; // never more chars than bytes: an escape or a UTF-8 sequence gives at most one per byte
        int n = 0;
        int i = textStart;
        while (i < textEnd) {
            byte b = in[i];
            if (b == '\\') {
                if (in[i + 1] == 'u') {
                    out[n++] = (char) hex4(i + 2);
                    i += 6;
                } else {
                    out[n++] = unescaped(in[i + 1]);
                    i += 2;
                }
            } else if (b >= 0) {
                out[n++] = (char) b;
                i++;
            } else {
                int runEnd = i + 1;
                while (runEnd < textEnd && in[runEnd] < 0) runEnd++;
                String run = new String(in, i, runEnd - i, StandardCharsets.UTF_8);
                run.getChars(0, run.length(), out, n);
                n += run.length();
                i = runEnd;
            }
        }
        return new String(out, 0, n);
    }

    private Token number() throws Malformed {
        int n = in.length;
        int i = pos;
        negative = in[i] == '-';
        if (negative) i++;
        int intStart = i;
        if (i >= n || !isDigit(in[i])) throw Malformed.INSTANCE;
        if (in[i] == '0') {
            i++;
            if (i < n && isDigit(in[i])) throw Malformed.INSTANCE; // a leading zero
        } else {
            while (i < n && isDigit(in[i])) i++;
        }
        int intDigits = i - intStart;
        int fractionDigits = 0;
        int exponentDigits = 0;
        boolean floating = false;
        if (i < n && in[i] == '.') {
            floating = true;
            int start = ++i;
            while (i < n && isDigit(in[i])) i++;
            fractionDigits = i - start;
            if (fractionDigits == 0) throw Malformed.INSTANCE;
        }
        if (i < n && (in[i] == 'e' || in[i] == 'E')) {
            floating = true;
            i++;
            if (i < n && (in[i] == '+' || in[i] == '-')) i++;
            int start = i;
            while (i < n && isDigit(in[i])) i++;
            exponentDigits = i - start;
            if (exponentDigits == 0) throw Malformed.INSTANCE;
        }
        if (intDigits + fractionDigits + exponentDigits > MAX_NUMBER_DIGITS) throw Malformed.INSTANCE;
        digitsStart = intStart;
        digitsEnd = intStart + intDigits;
        integerRange = UNPARSED;
        pos = i;
        next = COMMA_OR_END;
        return token = floating ? Token.FLOAT : Token.INT;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Parses the integer token's digits once, negatively as {@link Long#parseLong} does to reach Long.MIN_VALUE. */
    private int range() {
        if (integerRange != UNPARSED) return integerRange;
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long result = 0;
        for (int i = digitsStart; i < digitsEnd; i++) {
            int digit = in[i] - '0';
            if (result < limit / 10 || result * 10 < limit + digit) return integerRange = BEYOND_LONG;
            result = result * 10 - digit;
        }
        integer = negative ? result : -result;
        return integerRange = integer >= Integer.MIN_VALUE && integer <= Integer.MAX_VALUE ? IN_INT : IN_LONG;
    }

    private int skipSpace() {
        byte[] bytes = in;
        int i = pos;
        while (i < bytes.length) {
            byte b = bytes[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                pos = i;
                return b & 0xFF;
            }
            if (b == '\n' || b == '\r') lineBreak = true;
            i++;
        }
        pos = i;
        return -1;
    }

    /** A fixed set of names, found from their bytes without a new string. */
    static final class Names {
        private final byte[][] bytes;
        private final String[] strings;
        private final int mask;

        private Names(int size) {
            bytes = new byte[size][];
            strings = new String[size];
            mask = size - 1;
        }

        /** The set of {@code names} (ASCII, not empty). */
        static Names of(String... names) {
            Names t = new Names(Integer.highestOneBit(names.length * 4 - 1) << 1);
            for (String name : names) {
                byte[] b = name.getBytes(StandardCharsets.US_ASCII);
                int slot = hash(b, 0, b.length) & t.mask;
                while (t.bytes[slot] != null) slot = (slot + 1) & t.mask;
                t.bytes[slot] = b;
                t.strings[slot] = name;
            }
            return t;
        }

        /** The name spelled by {@code in[from, to)}, or null when it is not one of the set. */
        String find(byte[] in, int from, int to) {
            if (from == to) return null;
            for (int slot = hash(in, from, to) & mask; bytes[slot] != null; slot = (slot + 1) & mask) {
                if (spells(bytes[slot], in, from, to)) return strings[slot];
            }
            return null;
        }

        private static boolean spells(byte[] name, byte[] in, int from, int to) {
            if (name.length != to - from) return false;
            for (int k = 0; k < name.length; k++) if (name[k] != in[from + k]) return false;
            return true;
        }

        /** From the length and the first and last two bytes: enough to tell a few dozen names apart, and cheap. */
        private static int hash(byte[] b, int from, int to) {
            int length = to - from;
            int h = length * 961 + b[from] * 31 + b[to - 1];
            if (length > 1) h = h * 31 + b[from + 1] * 7 + b[to - 2];
            return h ^ h >>> 5;
        }
    }
}
