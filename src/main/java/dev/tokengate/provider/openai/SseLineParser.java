package dev.tokengate.provider.openai;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Incremental Server-Sent Events reader: feeds arbitrary byte slices, emits the data payload of each complete event.
 * Handles CRLF and LF, multi-line data, comments (keep-alives) and events split across network reads.
 *
 * <p>It runs once per upstream read of every open stream, so it scans the read where it lies (not a copy of it), takes
 * a line that lies whole in one read straight from there and copies only the runs of bytes of a line split across
 * reads, looks at the field name in the bytes, and hands on the payload's UTF-8 bytes (one array per event in the
 * common case of a single {@code data:} line): the readers parse bytes, so a string would be decoded only to be
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
        if (buffer instanceof BufferInternal internal) {
            ByteBuf bytes = internal.unwrap();
            if (bytes.hasArray()) { // the bytes getBytes() would copy: those of the ByteBuf from index 0 to its writer index
                feed(bytes.array(), bytes.arrayOffset(), bytes.arrayOffset() + bytes.writerIndex());
                return;
            }
        }
        byte[] bytes = buffer.getBytes();
        feed(bytes, 0, bytes.length);
    }

    private void feed(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
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
            while (end < to && bytes[end] != '\n' && bytes[end] != '\r') end++;
            if (end < to && lineLength == 0) { // the whole line is in this read, and its end
                line(bytes, i, end - i);
                lastWasCr = bytes[end] == '\r';
                i = end + 1;
            } else {
                append(bytes, i, end - i);
                i = end;
            }
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
        line(line, 0, length);
    }

    /** One line, without its end, at {@code bytes[from, from + length)}. */
    private void line(byte[] bytes, int from, int length) {
        if (length == 0) {
            dispatch();
            return;
        }
        if (bytes[from] == ':' || !isDataField(bytes, from, length)) return;
        int value = DATA.length;
        if (value < length) value++; // the colon
        if (value < length && bytes[from + value] == ' ') value++;
        if (firstData == null) {
            firstData = Arrays.copyOfRange(bytes, from + value, from + length);
        } else {
            if (moreData == null) {
                moreData = new ByteArrayOutputStream();
                moreData.writeBytes(firstData);
            }
            moreData.write('\n');
            moreData.write(bytes, from + value, length - value);
        }
    }

    /** The field is {@code data}: the line is {@code data} alone or starts with {@code data:}. */
    private static boolean isDataField(byte[] bytes, int from, int length) {
        if (length < DATA.length || (length > DATA.length && bytes[from + DATA.length] != ':')) return false;
        for (int k = 0; k < DATA.length; k++) if (bytes[from + k] != DATA[k]) return false;
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
