package dev.tokengate.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 client on a socket: it sends exactly the bytes it is given (invalid UTF-8, NUL bytes, huge or odd
 * headers), one request per connection, and tells a complete response apart from a connection dropped without one.
 */
final class RawHttp {
    private static final int READ_TIMEOUT_MS = 30_000;

    private RawHttp() {}

    /** One request to send: header values are raw bytes (ISO-8859-1 text), the body is any bytes. */
    record Request(String method, String target, List<String[]> headers, byte[] body) {
        static Request of(String method, String target, String key, byte[] body) {
            List<String[]> h = new ArrayList<>();
            if (key != null) h.add(new String[]{"Authorization", "Bearer " + key});
            if (body != null) h.add(new String[]{"Content-Type", "application/json"});
            return new Request(method, target, h, body);
        }

        Request withHeader(String name, String value) {
            List<String[]> h = new ArrayList<>(headers);
            h.add(new String[]{name, value});
            return new Request(method, target, h, body);
        }

        /** The same request without any header of that name. */
        Request withoutHeader(String name) {
            List<String[]> h = new ArrayList<>(headers.stream().filter(x -> !x[0].equalsIgnoreCase(name)).toList());
            return new Request(method, target, h, body);
        }

        Request withBody(byte[] newBody) {
            return new Request(method, target, headers, newBody);
        }

        @Override
        public String toString() {
            String b = body == null ? "" : new String(body, 0, Math.min(body.length, 300), StandardCharsets.ISO_8859_1);
            StringBuilder sb = new StringBuilder(method).append(' ').append(abbreviate(target));
            headers.forEach(x -> sb.append(" [").append(x[0]).append(": ").append(abbreviate(x[1])).append(']'));
            return sb.append(" body(").append(body == null ? 0 : body.length).append(" bytes): ").append(b).toString();
        }
    }

    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as JSON, or null when it is not JSON. */
        JsonNode json() {
            return Json.parseOrNull(text());
        }

        @Override
        public String toString() {
            return status + " " + abbreviate(text());
        }
    }

    /** Thrown when the server closed the connection (or stopped answering) before a complete response. */
    static final class NoResponse extends AssertionError {
        NoResponse(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static Response exchange(int port, Request request) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(READ_TIMEOUT_MS);
            s.setTcpNoDelay(true);
            try {
                write(s.getOutputStream(), request);
            } catch (IOException e) {
                // the server may answer (413, 431) and close before it read everything: the answer is still there to read
            }
            return read(s.getInputStream());
        } catch (IOException e) {
            throw new NoResponse("no complete response to " + request + ": " + e, e);
        }
    }

    private static void write(OutputStream out, Request r) throws IOException {
        StringBuilder head = new StringBuilder();
        head.append(r.method()).append(' ').append(r.target()).append(" HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1\r\n");
        head.append("Connection: close\r\n");
        for (String[] h : r.headers()) head.append(h[0]).append(": ").append(h[1]).append("\r\n");
        boolean hasLength = r.headers().stream().anyMatch(h -> h[0].equalsIgnoreCase("Content-Length")
                || h[0].equalsIgnoreCase("Transfer-Encoding"));
        if (!hasLength) head.append("Content-Length: ").append(r.body() == null ? 0 : r.body().length).append("\r\n");
        head.append("\r\n");
        // one write: a head and a body in two small packets would wait on the peer's delayed ACK
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (r.body() != null) all.writeBytes(r.body());
        out.write(all.toByteArray());
        out.flush();
    }

    private static Response read(InputStream in) throws IOException {
        byte[] all = in.readAllBytes();
        int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        if (end < 0) throw new IOException("connection closed after " + all.length + " bytes, before the response headers ended");
        String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) throw new IOException("not an HTTP status line: " + lines[0]);
        int status = Integer.parseInt(statusLine[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        int bodyStart = end + 4;
        byte[] rest = java.util.Arrays.copyOfRange(all, bodyStart, all.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) return new Response(status, headers, dechunk(rest));
        String length = headers.get("content-length");
        if (length != null) {
            int n = Integer.parseInt(length);
            if (rest.length < n) throw new IOException("connection closed after " + rest.length + " of " + n + " body bytes");
            return new Response(status, headers, java.util.Arrays.copyOf(rest, n));
        }
        return new Response(status, headers, rest);
    }

    private static byte[] dechunk(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        while (true) {
            int lineEnd = indexOf(raw, "\r\n".getBytes(StandardCharsets.ISO_8859_1), pos);
            if (lineEnd < 0) throw new IOException("chunked body cut off");
            String sizeText = new String(raw, pos, lineEnd - pos, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int size = Integer.parseInt(sizeText, 16);
            pos = lineEnd + 2;
            if (size == 0) return out.toByteArray();
            if (pos + size > raw.length) throw new IOException("chunked body cut off");
            out.write(raw, pos, size);
            pos += size + 2;
        }
    }

    private static int indexOf(byte[] data, byte[] needle, int from) {
        outer:
        for (int i = from; i <= data.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    /** At most 300 characters, control and non-ASCII characters escaped, so reports stay readable. */
    static String abbreviate(String s) {
        String head = s.length() <= 300 ? s : s.substring(0, 300);
        StringBuilder sb = new StringBuilder();
        head.chars().forEach(c -> {
            if (c < 0x20 || c > 0x7e) sb.append(String.format("\\u%04x", c));
            else sb.append((char) c);
        });
        return s.length() <= 300 ? sb.toString() : sb + "...(" + s.length() + " chars)";
    }
}
