package dev.tokengate.store;

import dev.tokengate.batches.BatchStore;
import dev.tokengate.store.memory.MemoryBatchStore;
import dev.tokengate.store.memory.MemoryJobStore;

class BatchFinalizingContractMemoryTest extends BatchFinalizingContract {
    @Override
    protected BatchStore newStore() {
        return new MemoryBatchStore(new MemoryJobStore());
    }
}
