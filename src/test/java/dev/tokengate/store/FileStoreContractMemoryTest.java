package dev.tokengate.store;

import dev.tokengate.files.FileStore;
import dev.tokengate.store.memory.MemoryFileStore;

class FileStoreContractMemoryTest extends FileStoreContract {
    @Override
    protected FileStore newStore() {
        return new MemoryFileStore();
    }
}
