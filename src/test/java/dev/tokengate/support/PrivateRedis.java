package dev.tokengate.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own on a free port (no persistence), so a test can stop it without touching the shared
 * server on 6379. Stopping kills only this process.
 */
public final class PrivateRedis implements AutoCloseable {
    private final int port;
    private final Process process;

    private PrivateRedis(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    public static PrivateRedis start() {
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path dir = Files.createTempDirectory("tokengate-redis");
            Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
            PrivateRedis redis = new PrivateRedis(port, p);
            redis.awaitPong();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    /** Polls until the server answers PING (it starts in milliseconds; the limit only guards a broken install). */
    private void awaitPong() {
        for (int i = 0; i < 500; i++) {
            if (!process.isAlive()) throw new IllegalStateException("redis-server exited with " + process.exitValue());
            try (Socket s = new Socket("127.0.0.1", port)) {
                OutputStream out = s.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[7];
                int n = in.readNBytes(buf, 0, 7);
                if (new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("redis-server on port " + port + " did not answer PING");
    }

    /** Kills this redis-server and waits until it is gone. */
    public void stop() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
