package dev.tokengate.store.memory;

import dev.tokengate.responses.ResponseStore;
import dev.tokengate.responses.StoredResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Stored responses in memory. */
public final class MemoryResponseStore implements ResponseStore {
    private final Map<String, StoredResponse> byId = new ConcurrentHashMap<>();

    @Override
    public void save(StoredResponse response) {
        if (byId.putIfAbsent(response.id(), response) != null) {
            throw new IllegalStateException("duplicate response id " + response.id());
        }
    }

    @Override
    public Optional<StoredResponse> find(String userId, String id) {
        return Optional.ofNullable(byId.get(id)).filter(r -> r.userId().equals(userId));
    }

    @Override
    public boolean delete(String userId, String id) {
        StoredResponse r = byId.get(id);
        return r != null && r.userId().equals(userId) && byId.remove(id, r);
    }
}
