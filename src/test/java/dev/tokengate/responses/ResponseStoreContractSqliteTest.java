package dev.tokengate.responses;

import dev.tokengate.store.jdbc.JdbcResponseStore;
import dev.tokengate.support.StoreBackends;
import org.junit.jupiter.api.extension.RegisterExtension;

class ResponseStoreContractSqliteTest extends ResponseStoreContract {
    @RegisterExtension
    static final StoreBackends.Fixture db = StoreBackends.fixture(StoreBackends.Kind.SQLITE);

    @Override
    protected ResponseStore newStore() {
        return new JdbcResponseStore(db.database());
    }
}
