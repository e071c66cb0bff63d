package dev.tokengate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tokengate serve} keeps its flags and behaviour inside the new command line. */
class CliServeTest {
    @TempDir
    Path dir;

    @Test
    void serveStartsTheGatewayWithItsFlagsAndPrintsTheNewAdminKey() throws Exception {
        TokengateCommand root = new TokengateCommand(Map.of(), dir, false);

        CliRun.Result r = CliRun.runWith(root, "serve", "--host", "127.0.0.1", "--port", "0", "--db", "memory",
                "--data-dir", dir.resolve("data").toString());

        try {
            assertThat(r.code()).as(r.toString()).isZero();
            assertThat(root.served()).isNotNull();
            assertThat(r.out()).contains("Tokengate listening on http://127.0.0.1:" + root.served().port()).contains("storage: in-memory");
            String adminKey = Files.readString(dir.resolve("data/admin.key")).strip();
            assertThat(r.out()).contains("Created the admin key").contains(adminKey);

            CliRun.Result users = new CliRun(Map.of("TOKENGATE_URL", "http://127.0.0.1:" + root.served().port()), dir).run("users", "list");
            assertThat(users.code()).as("the CLI finds the key serve created in data/admin.key: " + users).isZero();
        } finally {
            if (root.served() != null) root.served().close();
        }
    }

    @Test
    void aConfigurationErrorExits2WithoutStarting() {
        TokengateCommand root = new TokengateCommand(Map.of(), dir, false);

        CliRun.Result r = CliRun.runWith(root, "serve", "--config", dir.resolve("missing.yaml").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("configuration error").contains("missing.yaml");
        assertThat(root.served()).isNull();
    }

    @Test
    void anUnknownServeFlagIsAUsageError() {
        CliRun.Result r = CliRun.runWith(new TokengateCommand(Map.of(), dir, false), "serve", "--prot", "8080");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--prot");
    }

    @Test
    void environmentReachesTheServedGatewayAsBefore() {
        TokengateCommand root = new TokengateCommand(Map.of("TOKENGATE_ADMIN_KEY", TestGateway.ADMIN_KEY), dir, false);

        CliRun.Result r = CliRun.runWith(root, "serve", "--port", "0", "--db", "memory", "--data-dir", dir.toString());

        try {
            assertThat(r.code()).as(r.toString()).isZero();
            assertThat(root.served().adminKey()).isEqualTo(TestGateway.ADMIN_KEY);
            assertThat(r.out()).doesNotContain("Created the admin key");
        } finally {
            if (root.served() != null) root.served().close();
        }
    }
}
