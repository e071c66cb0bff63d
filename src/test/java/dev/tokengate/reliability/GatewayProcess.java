package dev.tokengate.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The gateway as a separate JVM ({@code Main serve}) on the test classpath, so a test can kill it as an operator's
 * {@code kill -9} would and start another one on the same database. Its output goes to a log file the failures quote.
 */
final class GatewayProcess implements AutoCloseable {
    static final String ADMIN_KEY = "tg-admin-crash-test-key-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final int port;
    private final Path log;

    private GatewayProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code serve} on a free port with SQLite at {@code db} and waits until /health answers. */
    static GatewayProcess start(Path db, Path configYaml, Path log) {
        return start("sqlite:" + db, db.getParent(), configYaml, log);
    }

    /** Starts {@code serve} on a free port with the database at {@code dbUrl} (any form {@code --db} takes). */
    static GatewayProcess start(String dbUrl, Path dataDir, Path configYaml, Path log) {
        int port = freePort();
        String classpath = System.getProperty("java.class.path");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath, "dev.tokengate.app.Main", "serve",
                "--db", dbUrl, "--port", String.valueOf(port), "--config", configYaml.toString(),
                "--data-dir", dataDir.toString()));
        pb.environment().put("TOKENGATE_ADMIN_KEY", ADMIN_KEY);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            GatewayProcess g = new GatewayProcess(pb.start(), port, log);
            g.awaitHealthy();
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** SIGKILL: no shutdown hook runs, leases stay taken, nothing is flushed beyond what was committed. */
    void killHard() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) throw new AssertionError("the gateway did not die");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void awaitHealthy() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new AssertionError("the gateway exited with " + process.exitValue() + ":\n" + logTail());
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            pause(100);
        }
        close();
        throw new AssertionError("the gateway did not become healthy within " + START_TIMEOUT + ":\n" + logTail());
    }

    @Override
    public void close() {
        if (process.isAlive()) killHard();
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
