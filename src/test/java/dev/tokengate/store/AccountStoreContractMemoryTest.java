package dev.tokengate.store;

import dev.tokengate.accounts.AccountStore;
import dev.tokengate.store.memory.MemoryAccountStore;

class AccountStoreContractMemoryTest extends AccountStoreContract {
    @Override
    protected AccountStore newStore() {
        return new MemoryAccountStore();
    }
}
