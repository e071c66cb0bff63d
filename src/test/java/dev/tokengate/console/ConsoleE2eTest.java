package dev.tokengate.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tokengate.support.TestGateway;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The web console end to end in headless Chromium: console/e2e/console.e2e.mjs (playwright-core) logs in as admin,
 * creates a user and a key, chats and finds the requests in the live log and in usage, creates a message batch and
 * watches it complete, opens the user view with the new key, and revokes it. Screenshots go to
 * target/console-screenshots, or to the folder named by -Dconsole.screenshots (docs/console refreshes the committed ones).
 */
class ConsoleE2eTest {
    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path SCRIPT = PROJECT.resolve("console/e2e/console.e2e.mjs");
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
    private static final long LIMIT_SECONDS = 240;

    @Test
    void adminManagesKeysSeesTrafficAndWatchesABatchCompleteInHeadlessChromium() throws Exception {
        Path node = requireTools();
        Path shots = PROJECT.resolve(System.getProperty("console.screenshots", "target/console-screenshots"));
        Path output = Files.createTempFile("console-e2e", ".log");
        // one job worker and a slow first token, so the batch's three requests run one after another and can be watched
        try (TestGateway gateway = TestGateway.start(Map.of("jobs.workers", "1", "simulated.ttft_ms", "300"))) {
            Process process = new ProcessBuilder(node.toString(), SCRIPT.toString(), gateway.baseUrl(), gateway.adminKey(), shots.toString())
                    .directory(PROJECT.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            boolean finished = process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail("The console e2e script did not finish within " + LIMIT_SECONDS + " s. Its output:\n" + read(output));
            }
            String log = read(output);
            System.out.print(log);
            assertThat(process.exitValue()).as("the console e2e script failed. Its output:\n%s", log).isZero();
            assertThat(log).contains("[console-e2e] passed");
            assertThat(shots.resolve("batches.png")).isNotEmptyFile();
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** Chromium, Node and the console's npm packages must be there: a missing one fails the test, it is not skipped. */
    private static Path requireTools() {
        if (!Files.isExecutable(CHROMIUM)) {
            fail("Chromium is missing at " + CHROMIUM + ": install it with `apt-get install -y chromium` (.ci/run does).");
        }
        Path node = onPath("node");
        if (node == null) fail("Node.js is missing (no `node` on PATH): install it to run the console's end-to-end test.");
        if (!Files.isDirectory(PROJECT.resolve("console/node_modules/playwright-core"))) {
            fail("console/node_modules/playwright-core is missing: run `npm ci` in console/ (.ci/run does).");
        }
        if (!Files.isRegularFile(PROJECT.resolve("src/main/resources/console/index.html"))) {
            fail("The console is not built: run `npm run build` in console/ and commit src/main/resources/console.");
        }
        return node;
    }

    private static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) return candidate;
        }
        for (Path fallback : List.of(Path.of("/usr/bin/node"), Path.of("/usr/local/bin/node"))) {
            if (Files.isExecutable(fallback)) return fallback;
        }
        return null;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
