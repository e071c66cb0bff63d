package dev.tokengate.store;

import dev.tokengate.jobs.JobStore;
import dev.tokengate.store.jdbc.JdbcJobStore;
import dev.tokengate.support.StoreBackends;
import org.junit.jupiter.api.extension.RegisterExtension;

class JobStoreContractSqliteTest extends JobStoreContract {
    @RegisterExtension
    static final StoreBackends.Fixture db = StoreBackends.fixture(StoreBackends.Kind.SQLITE);

    @Override
    protected JobStore newStore() {
        return new JdbcJobStore(db.database());
    }
}
