package dev.tokengate.tokens;

/**
 * The token count of a text handed over in parts (a stream's deltas), holding only a short tail: once the held text
 * reaches {@link #COUNT_AT} characters, everything up to the last cut where a piece of the pre-tokenizer certainly
 * ends ({@link PieceBoundary}) is counted and dropped. The count is exactly {@code Tokenizer.count} of the whole text,
 * except in one case: a stretch of more than {@link #HOLD_AT_MOST} characters with no such cut (a single piece: a run
 * of letters, of symbols or of whitespace with no break; or a run of digits) is counted in parts of about that size,
 * which can differ from counting it whole by a token or two per part. Not thread-safe.
 */
public final class RunningCount {
    /**
     * How much held text makes it look for a cut (a look scans only the characters added since the last). Counting
     * costs about 0.3 µs a token, about half of what relaying a chunk costs, and a stream that runs to its end with a
     * usage report never needs the count: below this size, most answers, it pays none of it.
     */
    static final int COUNT_AT = 16 * 1024;
    /** The most it holds with no cut found: beyond it, it counts up to the end anyway (held: below about 80 K). */
    static final int HOLD_AT_MOST = 64 * 1024;

    private final StringBuilder held = new StringBuilder(64);
    private final int countAt;
    private final int holdAtMost;
    private int counted;
    private int lookAt;
    /** Cuts before this index of {@code held} were looked at and are not piece ends. */
    private int lookedBelow = 1;

    public RunningCount() {
        this(COUNT_AT, HOLD_AT_MOST);
    }

    RunningCount(int countAt, int holdAtMost) {
        this.countAt = countAt;
        this.holdAtMost = holdAtMost;
        this.lookAt = countAt;
    }

    public void append(String part) {
        held.append(part);
        if (held.length() >= lookAt) countSettled();
    }

    /** The tokens of all the text appended. */
    public int tokens() {
        return counted + Tokenizer.ENCODING.count(held, 0, held.length());
    }

    /** How many characters it holds, not counted yet. */
    public int held() {
        return held.length();
    }

    private void countSettled() {
        int cut = PieceBoundary.lastSettled(held, lookedBelow);
        if (cut > 0) countUpTo(cut);
        if (held.length() >= holdAtMost) {
            int end = held.length();
            countUpTo(Character.isHighSurrogate(held.charAt(end - 1)) ? end - 1 : end); // never split a character
        }
        if (held.capacity() > holdAtMost) held.trimToSize(); // one huge delta must not keep its buffer for the stream's life
        lookedBelow = Math.max(1, held.length());
        lookAt = held.length() + countAt;
    }

    private void countUpTo(int cut) {
        counted += Tokenizer.ENCODING.count(held, 0, cut);
        held.delete(0, cut);
    }
}
