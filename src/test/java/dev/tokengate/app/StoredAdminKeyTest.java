package dev.tokengate.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.support.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without TOKENGATE_ADMIN_KEY the first start creates an admin key in the data dir and later starts reuse it. */
class StoredAdminKeyTest {
    /** As {@code serve} runs by default: the embedded SQLite file in the data dir. */
    private static final Map<String, String> EMBEDDED_STORAGE = Map.of("storage.db_url", "");

    @Test
    void secondStartOnTheSameDataDirReusesTheStoredAdminKey(@TempDir Path dataDir) throws Exception {
        String created;
        try (TestGateway first = TestGateway.startWithStoredAdminKey(dataDir, EMBEDDED_STORAGE)) {
            assertThat(first.gateway().adminKeyCreated()).isTrue();
            created = first.adminKey();
        }

        try (TestGateway second = TestGateway.startWithStoredAdminKey(dataDir, EMBEDDED_STORAGE)) {
            assertThat(second.gateway().adminKeyCreated()).isFalse();
            assertThat(second.adminKey()).isEqualTo(created);
            assertThat(second.get("/admin/v1/users", created).status()).isEqualTo(200);
            assertThat(second.get("/admin/v1/users", TestGateway.ADMIN_KEY).status()).isEqualTo(401);
        }
        assertThat(Files.readString(dataDir.resolve("admin.key")).strip()).isEqualTo(created);
    }

    @Test
    void storedAdminKeyIsReadableAndWritableByItsOwnerOnly(@TempDir Path dataDir) throws Exception {
        try (TestGateway ignored = TestGateway.startWithStoredAdminKey(dataDir, EMBEDDED_STORAGE)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("admin.key"))))
                    .isEqualTo("rw-------");
        }
    }
}
