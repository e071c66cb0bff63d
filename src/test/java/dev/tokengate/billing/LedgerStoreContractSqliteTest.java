package dev.tokengate.billing;

import dev.tokengate.accounts.User;
import dev.tokengate.store.jdbc.Database;
import dev.tokengate.store.jdbc.JdbcAccountStore;
import dev.tokengate.store.jdbc.JdbcLedgerStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class LedgerStoreContractSqliteTest extends LedgerStoreContract {
    private static Path dir;
    private static Database db;

    @BeforeAll
    static void open() throws Exception {
        dir = Files.createTempDirectory("tokengate-ledger");
        db = Database.open("jdbc:sqlite:" + dir.resolve("t.db"), 8);
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Override
    protected LedgerStore newStore() {
        return new JdbcLedgerStore(db);
    }

    @Override
    protected void createUser(String id) {
        new JdbcAccountStore(db).createUser(new User(id, id, "user_free", Instant.now()));
    }
}
