package dev.tokengate.store.memory;

import dev.tokengate.accounts.AccountStore;
import dev.tokengate.accounts.ApiKey;
import dev.tokengate.accounts.User;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users and keys in maps. It behaves like the SQL stores: duplicate ids and key hashes and keys of unknown users are
 * rejected, and times are kept to the millisecond.
 */
public final class MemoryAccountStore implements AccountStore {
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, ApiKey> keys = new ConcurrentHashMap<>();
    private final Map<String, String> keyIdByHash = new ConcurrentHashMap<>();
    private final Map<String, String> callbackSecrets = new ConcurrentHashMap<>();

    @Override
    public void createUser(User user) {
        User stored = new User(user.id(), user.name(), user.tier(), millis(user.createdAt()));
        if (users.putIfAbsent(user.id(), stored) != null) throw new IllegalStateException("duplicate user id " + user.id());
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
    public synchronized void createKey(ApiKey key) {
        if (!users.containsKey(key.userId())) throw new IllegalStateException("no user " + key.userId());
        if (keys.containsKey(key.id())) throw new IllegalStateException("duplicate key id " + key.id());
        if (keyIdByHash.containsKey(key.hash())) throw new IllegalStateException("duplicate key hash");
        keys.put(key.id(), withTimes(key, key.createdAt(), key.revokedAt()));
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
        keys.put(keyId, withTimes(k, k.createdAt(), at));
        return true;
    }

    @Override
    public String callbackSecret(String userId, String candidate) {
        return callbackSecrets.computeIfAbsent(userId, k -> candidate);
    }

    private static ApiKey withTimes(ApiKey k, Instant createdAt, Instant revokedAt) {
        return new ApiKey(k.id(), k.userId(), k.name(), k.prefix(), k.hash(), millis(createdAt), millis(revokedAt));
    }

    private static Instant millis(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS);
    }
}
