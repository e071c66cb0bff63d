package dev.tokengate.store;

import dev.tokengate.accounts.AccountStore;
import dev.tokengate.store.jdbc.JdbcAccountStore;
import dev.tokengate.support.StoreBackends;
import org.junit.jupiter.api.extension.RegisterExtension;

class AccountStoreContractSqliteTest extends AccountStoreContract {
    @RegisterExtension
    static final StoreBackends.Fixture db = StoreBackends.fixture(StoreBackends.Kind.SQLITE);

    @Override
    protected AccountStore newStore() {
        return new JdbcAccountStore(db.database());
    }
}
