package dev.tokengate.store;

import dev.tokengate.jobs.JobStore;
import dev.tokengate.store.memory.MemoryJobStore;

class JobStoreContractMemoryTest extends JobStoreContract {
    @Override
    protected JobStore newStore() {
        return new MemoryJobStore();
    }
}
