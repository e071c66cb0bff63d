package dev.tokengate.app;

import dev.tokengate.accounts.AccountStore;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.store.jdbc.Database;
import dev.tokengate.store.jdbc.JdbcAccountStore;
import dev.tokengate.store.memory.MemoryAccountStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The storage ports for the configured backend: in-memory, SQLite (the default) or PostgreSQL. */
final class Storage implements AutoCloseable {
    final AccountStore accounts;
    private final Database database;

    private Storage(AccountStore accounts, Database database) {
        this.accounts = accounts;
        this.database = database;
    }

    static Storage open(GatewayConfig.Storage cfg, int poolSize) {
        if (cfg.inMemory()) return new Storage(new MemoryAccountStore(), null);
        String url = cfg.dbUrl();
        if (url == null) {
            try {
                Files.createDirectories(cfg.dataDir());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create data dir " + cfg.dataDir(), e);
            }
            url = "jdbc:sqlite:" + cfg.dataDir().resolve("tokengate.db");
        }
        Database db = Database.open(url, poolSize);
        return new Storage(new JdbcAccountStore(db), db);
    }

    boolean reachable() {
        return database == null || database.reachable();
    }

    String describe() {
        return database == null ? "in-memory" : database.dialect().name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void close() {
        if (database != null) database.close();
    }
}
