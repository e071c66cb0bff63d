package dev.tokengate.store;

import dev.tokengate.files.FileStore;
import dev.tokengate.store.jdbc.JdbcFileStore;
import dev.tokengate.support.StoreBackends;
import org.junit.jupiter.api.extension.RegisterExtension;

class FileStoreContractSqliteTest extends FileStoreContract {
    @RegisterExtension
    static final StoreBackends.Fixture db = StoreBackends.fixture(StoreBackends.Kind.SQLITE);

    @Override
    protected FileStore newStore() {
        return new JdbcFileStore(db.database());
    }
}
