package dev.tokengate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.accounts.Secrets;
import dev.tokengate.support.PostgresTestSchema;
import dev.tokengate.support.TestGateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * API keys and the admin key are kept only as SHA-256 hashes: after a run that creates users and keys (one revoked),
 * uses them, and stores a file, a job, a response and usage, every cell of every table (SQLite, PostgreSQL) and every
 * file of the data dir is read directly: no key, and no 12-character piece of one beyond its shown prefix, appears
 * anywhere, except the admin key in {@code admin.key} (mode 600). The hashes are there. The callback signing secret is the
 * one secret kept as is (an HMAC needs it): it appears in {@code user_secrets.callback_secret} and nowhere else.
 */
class SecretsStoredOnlyAsHashesTest {
    /** The first characters of a key are shown in listings ({@code prefix}); the rest is the secret. */
    private static final int SHOWN_PREFIX = 8;
    private static final int PIECE = 12;

    @Test
    void sqliteHoldsNoKeyOnlyItsHash(@TempDir Path dataDir) throws Exception {
        Run run = exercise(dataDir, Map.of("storage.db_url", ""));
        assertNoSecretInDatabase(run, DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("tokengate.db")), null);
        assertNoSecretInDataDir(run, dataDir);
    }

    @Test
    void postgresqlHoldsNoKeyOnlyItsHash(@TempDir Path dataDir) throws Exception {
        try (PostgresTestSchema schema = new PostgresTestSchema()) {
            Run run = exercise(dataDir, Map.of("storage.db_url", schema.jdbcUrl()));
            String name = schema.jdbcUrl().substring(schema.jdbcUrl().indexOf("currentSchema=") + "currentSchema=".length());
            assertNoSecretInDatabase(run, DriverManager.getConnection(schema.jdbcUrl()), name);
            assertNoSecretInDataDir(run, dataDir);
        }
    }

    /** The keys of one run, and the callback secret it was given. */
    private record Run(String adminKey, List<String> userKeys, String callbackSecret) {
        List<String> keys() {
            List<String> all = new ArrayList<>(userKeys);
            all.add(adminKey);
            return all;
        }
    }

    private static Run exercise(Path dataDir, Map<String, String> storage) throws Exception {
        try (TestGateway gw = TestGateway.startWithStoredAdminKey(dataDir, storage)) {
            String admin = gw.adminKey();
            List<String> keys = new ArrayList<>();
            for (String name : List.of("ada", "grace")) {
                String id = gw.post("/admin/v1/users", admin, "{\"name\":\"" + name + "\",\"tier\":\"user_max\"}").json().path("id").asText();
                keys.add(gw.post("/admin/v1/users/" + id + "/keys", admin, "{\"name\":\"laptop\"}").json().path("key").asText());
                JsonNode revoked = gw.post("/admin/v1/users/" + id + "/keys", admin, "{}").json();
                keys.add(revoked.path("key").asText());
                assertThat(gw.send("DELETE", "/admin/v1/users/" + id + "/keys/" + revoked.path("id").asText(), admin, null).status())
                        .isEqualTo(200);
            }
            String key = keys.get(0);
            for (String k : List.of(key, admin)) {
                assertThat(gw.post("/v1/chat/completions", k, "{\"model\":\"gpt-5-mini\",\"max_tokens\":8,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").status()).isEqualTo(200);
            }
            assertThat(gw.get("/v1/models", keys.get(1)).status()).as("the revoked key").isEqualTo(401);
            assertThat(gw.post("/api/v1/jobs/messages", key, "{\"model\":\"gpt-5-mini\",\"response_format\":{\"format\":\"text\"},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").status()).isEqualTo(200);
            assertThat(gw.post("/v1/responses", key, "{\"model\":\"gpt-5-mini\",\"store\":true,\"input\":\"hi\"}").status()).isEqualTo(200);
            String boundary = "b0undary";
            String upload = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--" + boundary
                    + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n\r\n{}\n\r\n--" + boundary + "--\r\n";
            assertThat(gw.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/files"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofString(upload)), key).status()).isEqualTo(200);
            String callbackSecret = gw.get("/api/v1/callback-secret", key).json().path("data").path("secret").asText();
            assertThat(callbackSecret).isNotBlank();
            awaitUsageStored(gw, key);
            return new Run(admin, keys, callbackSecret);
        }
    }

    private static void assertNoSecretInDatabase(Run run, Connection connection, String schema) throws SQLException {
        List<String> hashesSeen = new ArrayList<>();
        List<String> leaks = new ArrayList<>();
        List<String> callbackSecretAt = new ArrayList<>();
        int cells = 0;
        List<String> tables = new ArrayList<>();
        try (Connection c = connection; Statement st = c.createStatement()) {
            try (ResultSet rs = schema == null
                    ? st.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")
                    : st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema + "'")) {
                while (rs.next()) tables.add(rs.getString(1));
            }
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            String where = table + "." + rs.getMetaData().getColumnName(i);
                            String value = cellText(rs, i);
                            if (value == null) continue;
                            cells++;
                            for (String key : run.keys()) {
                                if (value.contains(Secrets.sha256Hex(key))) hashesSeen.add(key);
                                String piece = leakedPiece(value, key);
                                if (piece != null) leaks.add(where + " holds '" + piece + "' of a key");
                            }
                            if (value.contains(run.callbackSecret())) callbackSecretAt.add(where);
                        }
                    }
                }
            }
        }
        System.out.println("secrets-at-rest: " + (schema == null ? "sqlite" : "postgresql") + " tables=" + tables.size()
                + " cells=" + cells + " keys=" + run.keys().size());
        assertThat(tables).contains("users", "api_keys", "user_secrets", "jobs", "files", "responses");
        assertThat(cells).isGreaterThan(50);
        assertThat(leaks).isEmpty();
        assertThat(hashesSeen).as("every user key's hash is stored").containsAll(run.userKeys());
        assertThat(callbackSecretAt).containsExactly("user_secrets.callback_secret");
    }

    private static void assertNoSecretInDataDir(Run run, Path dataDir) throws IOException {
        Path adminKeyFile = dataDir.resolve("admin.key");
        assertThat(Files.readString(adminKeyFile).strip()).isEqualTo(run.adminKey());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(adminKeyFile))).isEqualTo("rw-------");
        List<String> leaks = new ArrayList<>();
        List<Path> files;
        try (var walk = Files.walk(dataDir)) {
            files = walk.filter(Files::isRegularFile).filter(p -> !p.equals(adminKeyFile)).toList();
        }
        for (Path file : files) {
            // ISO-8859-1 keeps every byte as one char, so an ASCII secret is found wherever its bytes are
            String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String key : run.keys()) {
                String piece = leakedPiece(content, key);
                if (piece != null) leaks.add(dataDir.relativize(file) + " holds '" + piece + "' of a key");
            }
        }
        System.out.println("secrets-at-rest: data dir files=" + files.size() + " besides admin.key");
        assertThat(leaks).isEmpty();
    }

    /** A piece of the key's secret part found in {@code text}, or null. */
    private static String leakedPiece(String text, String key) {
        for (int i = SHOWN_PREFIX; i + PIECE <= key.length(); i++) {
            String piece = key.substring(i, i + PIECE);
            if (text.contains(piece)) return piece;
        }
        return null;
    }

    private static String cellText(ResultSet rs, int column) throws SQLException {
        Object v = rs.getObject(column);
        if (v == null) return null;
        if (v instanceof byte[] bytes) return new String(bytes, StandardCharsets.ISO_8859_1);
        return v.toString();
    }

    private static void awaitUsageStored(TestGateway gw, String key) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (gw.get("/v1/usage", key).json().path("data").size() < 3) {
            if (System.nanoTime() > deadline) throw new AssertionError("usage records were not stored");
            Thread.sleep(20);
        }
    }
}
