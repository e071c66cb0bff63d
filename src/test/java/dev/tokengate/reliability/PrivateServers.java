package dev.tokengate.reliability;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Servers a test starts, stops and starts again on its own (never the shared PostgreSQL at 5432): a PostgreSQL cluster
 * in a temporary directory and a Redis server, each on a free port. Skipped (with the reason) when the binaries are
 * missing. PostgreSQL refuses to run as root, so as root its commands run as the {@code postgres} account.
 */
final class PrivateServers {
    private PrivateServers() {}

    static final class Postgres implements AutoCloseable {
        private final Path bin;
        private final Path data;
        private final int port;

        Postgres(Path dir) {
            Path found = null;
            try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
                found = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Path::compareTo).orElse(null);
            } catch (IOException missing) {
                // no PostgreSQL installed
            }
            assumeTrue(found != null, "PostgreSQL binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin: skipped");
            this.bin = found;
            this.data = dir.resolve("pgdata");
            this.port = freePort();
            if (root()) run(List.of("chown", "-R", "postgres", dir.toString()), 30);
            run(asOwner(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres", "--no-sync"), 120);
            start();
        }

        String jdbcUrl() {
            return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres&connectTimeout=2&socketTimeout=10";
        }

        void start() {
            run(asOwner(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", data.resolveSibling("pg.log").toString(),
                    "-o", "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=off", "-w", "-t", "60", "start"), 90);
        }

        /** {@code immediate}: as a crash would, every connection cut at once. */
        void stop() {
            run(asOwner(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), 60);
        }

        @Override
        public void close() {
            try {
                stop();
            } catch (RuntimeException alreadyStopped) {
                // nothing to stop
            }
        }
    }

    static final class Redis implements AutoCloseable {
        private final Path dir;
        private final int port;
        private Process process;

        Redis(Path dir) {
            assumeTrue(Stream.of("/usr/bin/redis-server", "/usr/local/bin/redis-server").anyMatch(p -> Files.isExecutable(Path.of(p))),
                    "redis-server not found: skipped");
            this.dir = dir;
            this.port = freePort();
            start();
        }

        String url() {
            return "redis://127.0.0.1:" + port + "/0";
        }

        void start() {
            try {
                process = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--dir", dir.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                try (var s = new java.net.Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException notYet) {
                    GatewayProcess.pause(50);
                }
            }
            throw new AssertionError("redis-server did not start");
        }

        /** SIGKILL of the server this test started. */
        void stop() {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            if (process != null && process.isAlive()) stop();
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static List<String> asOwner(String... command) {
        List<String> out = new ArrayList<>();
        if (root()) out.addAll(List.of("runuser", "-u", "postgres", "--"));
        out.addAll(List.of(command));
        return out;
    }

    private static void run(List<String> command, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            if (p.exitValue() != 0) throw new IllegalStateException(command + " exited " + p.exitValue() + ": " + new String(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
