package dev.tokengate.billing;

import dev.tokengate.store.memory.MemoryLedgerStore;

class LedgerStoreContractMemoryTest extends LedgerStoreContract {
    @Override
    protected LedgerStore newStore() {
        return new MemoryLedgerStore();
    }

    @Override
    protected void createUser(String id) {}
}
