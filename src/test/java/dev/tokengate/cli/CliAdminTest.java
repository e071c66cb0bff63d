package dev.tokengate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import dev.tokengate.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tokengate users ...} and {@code keys ...}, where the URL and key come from, and how failures exit. */
class CliAdminTest {
    private static TestGateway gw;
    private static CliRun cli;

    @TempDir
    Path workDir;

    @BeforeAll
    static void start() throws Exception {
        gw = TestGateway.start();
        cli = new CliRun(Map.of("TOKENGATE_URL", gw.baseUrl(), "TOKENGATE_API_KEY", TestGateway.ADMIN_KEY), Files.createTempDirectory("cli"));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    private static String createUser(String name, String tier) {
        CliRun.Result r = cli.run("users", "create", name, "--tier", tier, "--json");
        assertThat(r.code()).as(r.toString()).isZero();
        return Json.parseOrNull(r.out()).path("id").asText();
    }

    @Test
    void usersCreateThenListShowsTheUser() {
        CliRun.Result created = cli.run("users", "create", "alice", "--tier", "user_pro");

        assertThat(created.code()).as(created.toString()).isZero();
        assertThat(created.out()).startsWith("Created user user_").contains("alice", "user_pro");
        CliRun.Result list = cli.run("users", "list");
        assertThat(list.code()).isZero();
        assertThat(list.out()).startsWith("ID").contains("alice").contains("user_pro");
    }

    @Test
    void keysCreateListAndRevokeWorkEndToEnd() {
        String userId = createUser("bob", "user_go");

        CliRun.Result created = cli.run("keys", "create", userId, "--name", "laptop");
        assertThat(created.code()).as(created.toString()).isZero();
        String secret = created.out().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(secret).startsWith("tg-");
        assertThat(gw.get("/v1/models", secret).status()).isEqualTo(200);

        CliRun.Result listed = cli.run("keys", "list", userId, "--json");
        JsonNode key = Json.parseOrNull(listed.out()).path("data").get(0);
        assertThat(key.path("name").asText()).isEqualTo("laptop");
        assertThat(listed.out()).doesNotContain(secret);
        assertThat(cli.run("keys", "list", userId).out()).contains(key.path("id").asText(), "active", "laptop");

        CliRun.Result revoked = cli.run("keys", "revoke", userId, key.path("id").asText());
        assertThat(revoked.code()).as(revoked.toString()).isZero();
        assertThat(revoked.out()).contains("Revoked key " + key.path("id").asText());
        assertThat(gw.get("/v1/models", secret).status()).isEqualTo(401);
        assertThat(cli.run("keys", "list", userId).out()).contains("revoked");
    }

    @Test
    void anApiErrorExits1WithTheGatewaysMessage() {
        CliRun.Result r = cli.run("users", "create", "carol", "--tier", "gold");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("tokengate: ").contains("gold").contains("HTTP 400");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aUserKeyOnAdminCommandsExits1With403() {
        String key = gw.createUserKey("dave", "user_max");

        CliRun.Result r = cli.run("users", "list", "--key", key);

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("HTTP 403");
    }

    @Test
    void globalOptionsGoBeforeTheCommandToo() {
        CliRun bare = new CliRun(Map.of(), workDir);

        CliRun.Result r = bare.run("--url", gw.baseUrl(), "--key", TestGateway.ADMIN_KEY, "users", "list");

        assertThat(r.code()).as(r.toString()).isZero();
    }

    @Test
    void theKeyIsReadFromDataAdminKeyWhenNotGiven() throws Exception {
        Files.createDirectories(workDir.resolve("data"));
        Files.writeString(workDir.resolve("data/admin.key"), TestGateway.ADMIN_KEY + "\n");

        CliRun.Result r = new CliRun(Map.of("TOKENGATE_URL", gw.baseUrl()), workDir).run("users", "list");

        assertThat(r.code()).as(r.toString()).isZero();
    }

    @Test
    void noKeyAnywhereIsAUsageError() {
        CliRun.Result r = new CliRun(Map.of("TOKENGATE_URL", gw.baseUrl()), workDir).run("users", "list");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no API key").contains("--key").contains("TOKENGATE_API_KEY");
    }

    @Test
    void anUnreachableGatewayExits1SayingSo() throws Exception {
        int closedPort;
        try (var s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }

        CliRun.Result r = cli.run("users", "list", "--url", "http://127.0.0.1:" + closedPort);

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("cannot reach the gateway at http://127.0.0.1:" + closedPort);
    }

    @Test
    void aMalformedUrlIsAUsageError() {
        CliRun.Result r = cli.run("users", "list", "--url", "ftp://example");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--url");
    }

    @Test
    void unknownCommandsAndMissingArgumentsAreUsageErrors() {
        assertThat(cli.run("frobnicate").code()).isEqualTo(2);
        assertThat(cli.run("keys", "create").code()).isEqualTo(2);
        assertThat(cli.run("keys", "revoke", "user_x").code()).isEqualTo(2);
        CliRun.Result group = cli.run("users");
        assertThat(group.code()).isEqualTo(2);
        assertThat(group.err()).contains("users needs a subcommand").contains("create").contains("list");
        CliRun.Result none = cli.run();
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("Usage: tokengate").contains("serve");
    }

    @Test
    void everyCommandHasHelp() {
        String[][] commands = {{}, {"serve"}, {"users"}, {"users", "create"}, {"users", "list"}, {"keys"}, {"keys", "create"},
                {"keys", "list"}, {"keys", "revoke"}, {"chat"}, {"batch"}, {"batch", "submit"}, {"jobs"}, {"jobs", "get"}, {"usage"}};
        for (String[] command : commands) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";

            CliRun.Result r = cli.run(args);

            assertThat(r.code()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith("Usage: tokengate").contains("--help");
        }
        CliRun.Result help = cli.run("help", "keys");
        assertThat(help.code()).isZero();
        assertThat(help.out()).startsWith("Usage: tokengate keys");
    }
}
