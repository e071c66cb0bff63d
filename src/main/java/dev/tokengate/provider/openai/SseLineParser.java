package dev.tokengate.provider.openai;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental Server-Sent Events reader: feeds arbitrary byte slices, emits the data payload of each complete event.
 * Handles CRLF and LF, multi-line data, comments (keep-alives) and events split across network reads.
 */
public final class SseLineParser {
    private final Consumer<String> onData;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private boolean lastWasCr;

    public SseLineParser(Consumer<String> onData) {
        this.onData = onData;
    }

    public void feed(Buffer buffer) {
        byte[] bytes = buffer.getBytes();
        for (byte b : bytes) {
            if (b == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\n' || b == '\r') {
                endLine();
            } else {
                line.write(b);
            }
        }
    }

    /** Flushes a final event that was not followed by a blank line. */
    public void finish() {
        if (line.size() > 0) endLine();
        dispatch();
    }

    private void endLine() {
        String l = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (l.isEmpty()) {
            dispatch();
            return;
        }
        if (l.startsWith(":")) return;
        int colon = l.indexOf(':');
        String field = colon < 0 ? l : l.substring(0, colon);
        String value = colon < 0 ? "" : l.substring(colon + 1);
        if (value.startsWith(" ")) value = value.substring(1);
        if (field.equals("data")) {
            if (hasData) data.append('\n');
            data.append(value);
            hasData = true;
        }
    }

    private void dispatch() {
        if (!hasData) return;
        String d = data.toString();
        data.setLength(0);
        hasData = false;
        onData.accept(d);
    }
}
