package dev.tokengate.billing;

import dev.tokengate.accounts.User;
import dev.tokengate.store.jdbc.Database;
import dev.tokengate.store.jdbc.JdbcAccountStore;
import dev.tokengate.store.jdbc.JdbcLedgerStore;
import dev.tokengate.support.PostgresTestSchema;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class LedgerStoreContractPostgresqlTest extends LedgerStoreContract {
    private static PostgresTestSchema schema;
    private static Database db;

    @BeforeAll
    static void open() {
        schema = new PostgresTestSchema();
        db = Database.open(schema.jdbcUrl(), 8);
    }

    @AfterAll
    static void close() {
        db.close();
        schema.close();
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
