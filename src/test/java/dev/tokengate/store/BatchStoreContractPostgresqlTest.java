package dev.tokengate.store;

import dev.tokengate.store.jdbc.JdbcBatchStore;
import dev.tokengate.store.jdbc.JdbcJobStore;
import dev.tokengate.support.StoreBackends;
import org.junit.jupiter.api.extension.RegisterExtension;

class BatchStoreContractPostgresqlTest extends BatchStoreContract {
    @RegisterExtension
    static final StoreBackends.Fixture db = StoreBackends.fixture(StoreBackends.Kind.POSTGRESQL);

    @Override
    protected Stores newStores() {
        return new Stores(new JdbcBatchStore(db.database()), new JdbcJobStore(db.database()));
    }
}
