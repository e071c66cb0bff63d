package dev.tokengate.provider.openai;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Incremental Server-Sent Events reader: feeds arbitrary byte slices, emits the data payload of each complete event.
 * Handles CRLF and LF, multi-line data, comments (keep-alives) and events split across network reads.
 *
 * <p>It runs once per upstream read of every open stream, so it copies runs of bytes between line ends at once instead
 * of byte by byte, looks at the field name in the bytes, and hands on the payload's UTF-8 bytes (one array per event in
 * the common case of a single {@code data:} line): the readers parse bytes, so a string would be decoded only to be
 * encoded again.
 */
public final class SseLineParser {
    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private final Consumer<byte[]> onData;
    private byte[] line = new byte[256];
    private int lineLength;
    private byte[] firstData;
    private ByteArrayOutputStream moreData;
    private boolean lastWasCr;

    /** {@code onData} gets each event's data, its lines joined with line feeds, as the UTF-8 bytes that came. */
    public SseLineParser(Consumer<byte[]> onData) {
        this.onData = onData;
    }

    public void feed(Buffer buffer) {
        byte[] bytes = buffer.getBytes();
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') {
                boolean crlfTail = b == '\n' && lastWasCr;
                lastWasCr = b == '\r';
                if (!crlfTail) endLine();
                i++;
                continue;
            }
            lastWasCr = false;
            int end = i + 1;
            while (end < n && bytes[end] != '\n' && bytes[end] != '\r') end++;
            append(bytes, i, end - i);
            i = end;
        }
    }

    /** Flushes a final event that was not followed by a blank line. */
    public void finish() {
        if (lineLength > 0) endLine();
        dispatch();
    }

    private void append(byte[] bytes, int from, int length) {
        if (lineLength + length > line.length) line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
        System.arraycopy(bytes, from, line, lineLength, length);
        lineLength += length;
    }

    private void endLine() {
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            dispatch();
            return;
        }
        if (line[0] == ':' || !isDataField(length)) return;
        int value = DATA.length;
        if (value < length) value++; // the colon
        if (value < length && line[value] == ' ') value++;
        if (firstData == null) {
            firstData = Arrays.copyOfRange(line, value, length);
        } else {
            if (moreData == null) {
                moreData = new ByteArrayOutputStream();
                moreData.writeBytes(firstData);
            }
            moreData.write('\n');
            moreData.write(line, value, length - value);
        }
    }

    /** The field is {@code data}: the line is {@code data} alone or starts with {@code data:}. */
    private boolean isDataField(int length) {
        if (length < DATA.length || (length > DATA.length && line[DATA.length] != ':')) return false;
        for (int k = 0; k < DATA.length; k++) if (line[k] != DATA[k]) return false;
        return true;
    }

    private void dispatch() {
        if (firstData == null) return;
        byte[] d = moreData == null ? firstData : moreData.toByteArray();
        firstData = null;
        moreData = null;
        onData.accept(d);
    }
}
