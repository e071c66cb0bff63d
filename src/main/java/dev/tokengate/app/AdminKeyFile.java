package dev.tokengate.app;

import dev.tokengate.accounts.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The admin key kept in the data dir when TOKENGATE_ADMIN_KEY is unset: created once, readable by the owner only. */
final class AdminKeyFile {
    static final String NAME = "admin.key";

    record Result(String key, boolean created) {}

    private AdminKeyFile() {}

    static Result loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(NAME);
        try {
            if (Files.isRegularFile(file)) {
                return new Result(Files.readString(file, StandardCharsets.UTF_8).strip(), false);
            }
            Files.createDirectories(dataDir);
            String key = "tg-admin-" + Secrets.randomToken(32);
            Path tmp = Files.createTempFile(dataDir, "admin", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // non-POSIX file systems keep their default permissions
            }
            Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return new Result(key, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }
}
