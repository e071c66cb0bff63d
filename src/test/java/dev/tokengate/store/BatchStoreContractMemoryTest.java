package dev.tokengate.store;

import dev.tokengate.store.memory.MemoryBatchStore;
import dev.tokengate.store.memory.MemoryJobStore;

class BatchStoreContractMemoryTest extends BatchStoreContract {
    @Override
    protected Stores newStores() {
        MemoryJobStore jobs = new MemoryJobStore();
        return new Stores(new MemoryBatchStore(jobs), jobs);
    }
}
