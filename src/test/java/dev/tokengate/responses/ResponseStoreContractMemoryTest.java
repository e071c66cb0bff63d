package dev.tokengate.responses;

import dev.tokengate.store.memory.MemoryResponseStore;

class ResponseStoreContractMemoryTest extends ResponseStoreContract {
    @Override
    protected ResponseStore newStore() {
        return new MemoryResponseStore();
    }
}
