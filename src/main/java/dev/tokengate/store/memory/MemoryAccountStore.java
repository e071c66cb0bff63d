package dev.tokengate.store.memory;

import dev.tokengate.accounts.AccountStore;
import dev.tokengate.accounts.ApiKey;
import dev.tokengate.accounts.User;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

public final class MemoryAccountStore implements AccountStore {
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, ApiKey> keys = new ConcurrentHashMap<>();
    private final Map<String, String> keyIdByHash = new ConcurrentHashMap<>();
    private final Map<String, String> callbackSecrets = new ConcurrentHashMap<>();

    @Override
    public void createUser(User user) {
        if (users.putIfAbsent(user.id(), user) != null) throw new IllegalStateException("duplicate user id " + user.id());
    }

    @Override
    public Optional<User> findUser(String id) {
        return Optional.ofNullable(users.get(id));
    }

    @Override
    public List<User> listUsers() {
        return users.values().stream().sorted(Comparator.comparing(User::createdAt).thenComparing(User::id)).toList();
    }

    @Override
    public void createKey(ApiKey key) {
        if (keys.putIfAbsent(key.id(), key) != null) throw new IllegalStateException("duplicate key id " + key.id());
        keyIdByHash.put(key.hash(), key.id());
    }

    @Override
    public List<ApiKey> listKeys(String userId) {
        return keys.values().stream().filter(k -> k.userId().equals(userId))
                .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id)).toList();
    }

    @Override
    public Optional<ApiKey> findKeyByHash(String hash) {
        String id = keyIdByHash.get(hash);
        return id == null ? Optional.empty() : Optional.ofNullable(keys.get(id));
    }

    @Override
    public synchronized boolean revokeKey(String userId, String keyId, Instant at) {
        ApiKey k = keys.get(keyId);
        if (k == null || !k.userId().equals(userId) || !k.active()) return false;
        keys.put(keyId, new ApiKey(k.id(), k.userId(), k.name(), k.prefix(), k.hash(), k.createdAt(), at));
        return true;
    }

    @Override
    public String callbackSecret(String userId, String candidate) {
        return callbackSecrets.computeIfAbsent(userId, k -> candidate);
    }
}
