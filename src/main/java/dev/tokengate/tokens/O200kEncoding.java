package dev.tokengate.tokens;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The o200k_base byte-pair encoding (GPT-4o and later), with its rank table packed into three arrays: the tokens'
 * bytes end to end, where each token starts, and an open-addressing hash from bytes to rank. About 4 MB of heap,
 * where jtokkit's two {@code HashMap}s of 200,000 boxed entries each took about 40 MB, all of it live for the life of
 * the gateway. It reads jtokkit's copy of the published rank file and splits text with the published pattern, and
 * merges pairs the way tiktoken does (the lowest rank first, the leftmost of equal ranks), so its tokens are
 * jtokkit's (TokenizerTest compares them).
 */
final class O200kEncoding {
    private static final String RANKS = "/com/knuddels/jtokkit/o200k_base.tiktoken";
    /**
     * o200k_base's pre-tokenizer, as tiktoken publishes it, with Java's Unicode character classes. {@link PieceBoundary}
     * reasons about where its pieces certainly end: change the two together.
     */
    static final Pattern PIECES = Pattern.compile(String.join("|",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "\\p{N}{1,3}",
            " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
            "\\s*[\\r\\n]+",
            "\\s+(?!\\S)",
            "\\s+"), Pattern.UNICODE_CHARACTER_CLASS);
    /** Pieces longer than this merge with a priority queue instead of rescanning all pairs after every merge. */
    private static final int LONG_PIECE = 256;
    private static final int NONE = Integer.MAX_VALUE;

    private final byte[] bytes;
    private final int[] starts;
    private final int[] slots;
    private final int mask;

    private O200kEncoding(byte[] bytes, int[] starts) {
        this.bytes = bytes;
        this.starts = starts;
        int tokens = starts.length - 1;
        int size = Integer.highestOneBit(tokens * 2 - 1) << 1;
        this.slots = new int[size];
        this.mask = size - 1;
        for (int rank = 0; rank < tokens; rank++) {
            int start = starts[rank];
            int end = starts[rank + 1];
            if (start == end) continue; // a rank the file does not use
            int slot = hash(bytes, start, end) & mask;
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = rank + 1;
        }
    }

    static O200kEncoding load() {
        try (InputStream in = O200kEncoding.class.getResourceAsStream(RANKS)) {
            if (in == null) throw new IllegalStateException("the o200k_base rank file " + RANKS + " is not on the class path");
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            byte[][] byRank = new byte[256 * 1024][];
            int tokens = 0;
            int total = 0;
            Base64.Decoder base64 = Base64.getDecoder();
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) continue;
                int space = line.indexOf(' ');
                int rank = Integer.parseInt(line, space + 1, line.length(), 10);
                if (rank >= byRank.length) byRank = Arrays.copyOf(byRank, Math.max(rank + 1, byRank.length * 2));
                byRank[rank] = base64.decode(line.substring(0, space));
                tokens = Math.max(tokens, rank + 1);
                total += byRank[rank].length;
            }
            byte[] packed = new byte[total];
            int[] starts = new int[tokens + 1];
            int at = 0;
            for (int rank = 0; rank < tokens; rank++) {
                starts[rank] = at;
                if (byRank[rank] == null) continue;
                System.arraycopy(byRank[rank], 0, packed, at, byRank[rank].length);
                at += byRank[rank].length;
            }
            starts[tokens] = at;
            return new O200kEncoding(packed, starts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number of tokens of the text. */
    int count(String text) {
        return count(text, 0, text.length());
    }

    /** The number of tokens of {@code text[from, to)}, exactly as of that substring on its own. */
    int count(CharSequence text, int from, int to) {
        int n = 0;
        // a region's default bounds are opaque: the lookahead in the pattern sees the region's end as the text's end
        Matcher m = PIECES.matcher(text).region(from, to);
        while (m.find()) {
            byte[] piece = m.group().getBytes(StandardCharsets.UTF_8);
            n += rank(piece, 0, piece.length) >= 0 ? 1 : merge(piece).length - 1;
        }
        return n;
    }

    /** The text's tokens (their ranks), in order. */
    int[] encode(String text) {
        int[] out = new int[16];
        int n = 0;
        Matcher m = PIECES.matcher(text);
        while (m.find()) {
            byte[] piece = m.group().getBytes(StandardCharsets.UTF_8);
            int whole = rank(piece, 0, piece.length);
            int[] bounds = whole >= 0 ? new int[] {0, piece.length} : merge(piece);
            if (n + bounds.length > out.length) out = Arrays.copyOf(out, Math.max(out.length * 2, n + bounds.length));
            for (int i = 0; i + 1 < bounds.length; i++) out[n++] = whole >= 0 ? whole : rank(piece, bounds[i], bounds[i + 1]);
        }
        return Arrays.copyOf(out, n);
    }

    /** The bytes of one token. */
    byte[] bytes(int rank) {
        return Arrays.copyOfRange(bytes, starts[rank], starts[rank + 1]);
    }

    /** The rank of {@code piece[from, to)} as one token, or -1. */
    private int rank(byte[] piece, int from, int to) {
        int slot = hash(piece, from, to) & mask;
        for (int entry = slots[slot]; entry != 0; slot = (slot + 1) & mask, entry = slots[slot]) {
            int rank = entry - 1;
            if (Arrays.equals(bytes, starts[rank], starts[rank + 1], piece, from, to)) return rank;
        }
        return -1;
    }

    private int pairRank(byte[] piece, int from, int to) {
        int r = rank(piece, from, to);
        return r < 0 ? NONE : r;
    }

    private static int hash(byte[] b, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) h = 31 * h + b[i];
        return h * 0x9E3779B9 ^ (h >>> 16);
    }

    /**
     * The token boundaries of a piece that is not one token: starting from single bytes, repeatedly merges the
     * adjacent pair whose joined bytes have the lowest rank (the leftmost of equal ranks) until no pair is a token.
     */
    private int[] merge(byte[] piece) {
        return piece.length > LONG_PIECE ? mergeLong(piece) : mergeShort(piece);
    }

    private int[] mergeShort(byte[] piece) {
        int parts = piece.length + 1;
        int[] start = new int[parts];
        int[] pair = new int[parts]; // pair[i]: the rank of parts i and i + 1 joined
        for (int i = 0; i < parts; i++) start[i] = i;
        for (int i = 0; i + 2 < parts; i++) pair[i] = pairRank(piece, start[i], start[i + 2]);
        pair[parts - 2] = NONE;
        pair[parts - 1] = NONE;
        while (parts > 2) {
            int best = NONE;
            int at = -1;
            for (int i = 0; i + 1 < parts; i++) {
                if (pair[i] < best) {
                    best = pair[i];
                    at = i;
                }
            }
            if (at < 0) break;
            System.arraycopy(start, at + 2, start, at + 1, parts - at - 2);
            System.arraycopy(pair, at + 2, pair, at + 1, parts - at - 2);
            parts--;
            pair[at] = at + 2 < parts ? pairRank(piece, start[at], start[at + 2]) : NONE;
            if (at > 0) pair[at - 1] = pairRank(piece, start[at - 1], start[at + 1]);
        }
        return Arrays.copyOf(start, parts);
    }

    /** As {@link #mergeShort}, in n log n: parts in a linked list, candidate pairs in a queue ordered by (rank, start). */
    private int[] mergeLong(byte[] piece) {
        int n = piece.length;
        int[] next = new int[n + 1];
        int[] prev = new int[n + 1];
        int[] version = new int[n + 1];
        for (int i = 0; i <= n; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        // entries: {rank, start, version of the part at start when queued}
        PriorityQueue<int[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
        for (int i = 0; i + 2 <= n; i++) {
            int r = pairRank(piece, i, i + 2);
            if (r != NONE) queue.add(new int[] {r, i, 0});
        }
        int parts = n;
        while (!queue.isEmpty()) {
            int[] top = queue.poll();
            int at = top[1];
            if (top[2] != version[at] || next[at] > n) continue; // stale: the part changed or was merged away
            int second = next[at];
            int after = next[second];
            if (after > n || pairRank(piece, at, after) != top[0]) continue;
            next[at] = after;
            prev[after] = at;
            version[second] = -1;
            version[at]++;
            parts--;
            if (next[after] <= n) {
                int r = pairRank(piece, at, next[after]);
                if (r != NONE) queue.add(new int[] {r, at, version[at]});
            }
            int before = prev[at];
            if (before >= 0) {
                version[before]++;
                int r = pairRank(piece, before, after);
                if (r != NONE) queue.add(new int[] {r, before, version[before]});
            }
        }
        int[] bounds = new int[parts + 1];
        int k = 0;
        for (int i = 0; i <= n; i = next[i]) bounds[k++] = i;
        return bounds;
    }
}
