package dev.tokengate.responses;

import dev.tokengate.store.jdbc.JdbcResponseStore;
import dev.tokengate.support.StoreBackends;
import org.junit.jupiter.api.extension.RegisterExtension;

class ResponseStoreContractPostgresqlTest extends ResponseStoreContract {
    @RegisterExtension
    static final StoreBackends.Fixture db = StoreBackends.fixture(StoreBackends.Kind.POSTGRESQL);

    @Override
    protected ResponseStore newStore() {
        return new JdbcResponseStore(db.database());
    }
}
