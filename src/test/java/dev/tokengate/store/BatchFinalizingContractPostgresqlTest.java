package dev.tokengate.store;

import dev.tokengate.batches.BatchStore;
import dev.tokengate.store.jdbc.JdbcBatchStore;
import dev.tokengate.support.StoreBackends;
import org.junit.jupiter.api.extension.RegisterExtension;

class BatchFinalizingContractPostgresqlTest extends BatchFinalizingContract {
    @RegisterExtension
    static final StoreBackends.Fixture db = StoreBackends.fixture(StoreBackends.Kind.POSTGRESQL);

    @Override
    protected BatchStore newStore() {
        return new JdbcBatchStore(db.database());
    }
}
