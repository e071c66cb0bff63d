package dev.tokengate.wire.openai;

import dev.tokengate.core.ChunkText;

/**
 * Passes an upstream's chat.completion.chunk (read by {@link StreamChunkReader#readWithText}) to an OpenAI client as
 * its own bytes in an SSE {@code data:} frame: the {@code model} value replaced by the public model and the
 * {@code usage} key as {@link ChatEncoder#chunkBytes} would have it (on every chunk when the client asked for
 * include_usage, null where the upstream sent none; otherwise on none), nothing decoded or encoded again.
 */
public final class StreamChunkRelay {
    private static final byte[] DATA = {'d', 'a', 't', 'a', ':', ' '};
    private static final byte[] END = {'\n', '\n'};
    private static final byte[] NULL_USAGE = {',', '"', 'u', 's', 'a', 'g', 'e', '"', ':', 'n', 'u', 'l', 'l'};

    private StreamChunkRelay() {}

    /** The frame {@code data: <chunk>\n\n} for the client. */
    public static byte[] frame(ChunkText t, String publicModel, boolean includeUsage) {
        byte[] json = t.json();
        byte[] model = PlainResponseRelay.quoted(publicModel);
        boolean hasUsage = t.usageCutStart() >= 0;
        // at most one edit besides the model: the usage key cut out, or a null usage put before the closing brace
        int editStart;
        int editEnd;
        byte[] insert;
        if (includeUsage && !hasUsage) {
            editStart = t.closingBrace();
            editEnd = editStart;
            insert = NULL_USAGE;
        } else if (!includeUsage && hasUsage) {
            editStart = t.usageCutStart();
            editEnd = t.usageCutEnd();
            insert = EMPTY;
        } else {
            editStart = json.length;
            editEnd = json.length;
            insert = EMPTY;
        }
        int length = DATA.length + json.length - (t.modelEnd() - t.modelStart()) + model.length
                - (editEnd - editStart) + insert.length + END.length;
        byte[] out = new byte[length];
        int at = put(out, 0, DATA, 0, DATA.length);
        if (t.modelStart() < editStart) {
            at = put(out, at, json, 0, t.modelStart());
            at = put(out, at, model, 0, model.length);
            at = put(out, at, json, t.modelEnd(), editStart - t.modelEnd());
            at = put(out, at, insert, 0, insert.length);
            at = put(out, at, json, editEnd, json.length - editEnd);
        } else {
            at = put(out, at, json, 0, editStart);
            at = put(out, at, insert, 0, insert.length);
            at = put(out, at, json, editEnd, t.modelStart() - editEnd);
            at = put(out, at, model, 0, model.length);
            at = put(out, at, json, t.modelEnd(), json.length - t.modelEnd());
        }
        put(out, at, END, 0, END.length);
        return out;
    }

    private static final byte[] EMPTY = {};

    private static int put(byte[] out, int at, byte[] from, int start, int length) {
        System.arraycopy(from, start, out, at, length);
        return at + length;
    }
}
