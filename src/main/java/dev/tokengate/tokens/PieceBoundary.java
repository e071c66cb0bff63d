package dev.tokengate.tokens;

/**
 * Where o200k_base's pre-tokenizer ({@code O200kEncoding.PIECES}) certainly ends a piece, judged from the two characters
 * either side alone. A text's count is the sum of its pieces' counts, so at such a cut {@code count(text)} is
 * {@code count(text[0, cut)) + count(text[cut, end))}, whatever comes after: the pieces of {@code text[cut, end)} are
 * found as from the text's start (the pattern looks behind nothing), and the head alone splits as in the whole text
 * because the only look past a piece, {@code \s+(?!\S)}, is never tried at the cut (the cuts below follow either a
 * character that is not whitespace, or a line break that {@code \s*[\r\n]+}, tried first, takes).
 *
 * <p>The pattern's alternatives, in order: (1, 2) an optional character that is not a line break, letter nor number,
 * then a run of letters and marks, then an optional contraction {@code 's 't 're 've 'm 'll 'd}; (3) one to three
 * numbers; (4) an optional space, a run of what is neither whitespace, letter nor number, then any of {@code \r \n /};
 * (5) whitespace ending in line breaks; (6, 7) whitespace. Only (1, 2) hold letters (in the run), only (3) numbers,
 * and every character starts some alternative, so the pieces cover the text. A piece can be as long as the text (one
 * run of letters, symbols or whitespace): there is then no cut inside it.
 */
final class PieceBoundary {
    private PieceBoundary() {}

    /**
     * The last cut at or after {@code from} (at least 1) and before the text's last character where a piece certainly
     * ends, whatever follows the text; -1 when there is none.
     */
    static int lastSettled(CharSequence text, int from) {
        for (int cut = text.length() - 1; cut >= Math.max(1, from); cut--) {
            if (endsPiece(text.charAt(cut - 1), text.charAt(cut))) return cut;
        }
        return -1;
    }

    static boolean endsPiece(char before, char after) {
        if (isWhitespace(before)) {
            // a line break then not whitespace: (5) or, after punctuation, (4)'s trailing [\r\n/]* ends at it; (4) also takes '/'
            return (before == '\n' || before == '\r') && !isWhitespace(after) && after != '/';
        }
        // whitespace after anything else: no piece takes it (only (4)'s trailing [\r\n/]* continues over whitespace)
        if (isWhitespace(after)) return after != '\n' && after != '\r' || isLetter(before) || isNumber(before);
        // the end of a run of letters: neither the run nor a contraction (it starts with ') goes on; a surrogate may
        // begin a letter or mark outside the basic plane
        if (isLetter(before)) return !Character.isSurrogate(after) && !isLetter(after) && !isMark(after) && after != '\'';
        // the end of a run of numbers
        if (isNumber(before)) return !Character.isSurrogate(after) && !isNumber(after);
        return false;
    }

    /** {@code \s} under {@code UNICODE_CHARACTER_CLASS}: the White_Space property, as java.util.regex computes it. */
    static boolean isWhitespace(char c) {
        int type = Character.getType(c);
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || (c >= 0x9 && c <= 0xd) || c == 0x85;
    }

    /** {@code \p{L}}; false for a surrogate. */
    static boolean isLetter(char c) {
        return Character.isLetter(c);
    }

    /** {@code \p{N}}; false for a surrogate. */
    static boolean isNumber(char c) {
        int type = Character.getType(c);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }

    /** {@code \p{M}}; false for a surrogate. */
    static boolean isMark(char c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.COMBINING_SPACING_MARK;
    }
}
