package dev.tokengate.accounts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage port for users and their keys. Blocking: call it off the event loop. */
public interface AccountStore {
    void createUser(User user);

    Optional<User> findUser(String id);

    List<User> listUsers();

    void createKey(ApiKey key);

    List<ApiKey> listKeys(String userId);

    Optional<ApiKey> findKeyByHash(String hash);

    /** @return false when the key does not exist for that user or was already revoked */
    boolean revokeKey(String userId, String keyId, Instant at);

    /** The user's secret for signing callbacks: stores {@code candidate} if the user has none yet, returns the stored one. */
    String callbackSecret(String userId, String candidate);
}
