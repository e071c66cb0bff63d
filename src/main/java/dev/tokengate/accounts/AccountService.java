package dev.tokengate.accounts;

import dev.tokengate.core.ApiException;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;

/** User and key administration. Blocking (it calls the store): run it off the event loop. */
public final class AccountService {
    public static final String ADMIN_USER_ID = "user_admin";

    private final AccountStore store;
    private final Authenticator authenticator;
    private final InstantSource clock;
    private final Set<String> tiers;

    public AccountService(AccountStore store, Authenticator authenticator, InstantSource clock, Set<String> tiers) {
        this.store = store;
        this.authenticator = authenticator;
        this.clock = clock;
        this.tiers = tiers;
    }

    /** A created key; {@code secret} is shown once and never stored. */
    public record CreatedKey(ApiKey key, String secret) {}

    public User createUser(String name, String tier) {
        String t = tier == null ? "user_free" : tier;
        if (!tiers.contains(t)) {
            throw ApiException.invalid("tier", "Invalid value for 'tier': '" + t + "'. Supported values are: "
                    + String.join(", ", tiers.stream().sorted().toList()) + ".", "invalid_value");
        }
        if (name.length() > 200) throw ApiException.invalid("name", "'name' must be at most 200 characters.");
        User u = new User(Secrets.newId("user_"), name, t, clock.instant());
        store.createUser(u);
        return u;
    }

    /** The built-in user the admin key acts as on the API routes; created on first start. */
    public User ensureAdminUser() {
        return store.findUser(ADMIN_USER_ID).orElseGet(() -> {
            User u = new User(ADMIN_USER_ID, "admin", "user_max", clock.instant());
            try {
                store.createUser(u);
                return u;
            } catch (RuntimeException raceWithAnotherInstance) {
                return store.findUser(ADMIN_USER_ID).orElseThrow(() -> raceWithAnotherInstance);
            }
        });
    }

    public List<User> listUsers() {
        return store.listUsers();
    }

    public User getUser(String id) {
        return store.findUser(id).orElseThrow(() -> ApiException.notFound("No user with id '" + id + "'."));
    }

    public CreatedKey createKey(String userId, String name) {
        getUser(userId);
        if (name != null && name.length() > 200) throw ApiException.invalid("name", "'name' must be at most 200 characters.");
        String secret = Secrets.newApiKey();
        ApiKey key = new ApiKey(Secrets.newId("key_"), userId, name, secret.substring(0, 8), Secrets.sha256Hex(secret),
                clock.instant(), null);
        store.createKey(key);
        return new CreatedKey(key, secret);
    }

    public List<ApiKey> listKeys(String userId) {
        getUser(userId);
        return store.listKeys(userId);
    }

    public ApiKey revokeKey(String userId, String keyId) {
        ApiKey key = store.listKeys(userId).stream().filter(k -> k.id().equals(keyId)).findFirst()
                .orElseThrow(() -> ApiException.notFound("No key '" + keyId + "' for user '" + userId + "'."));
        store.revokeKey(userId, keyId, clock.instant());
        authenticator.forget(key.hash());
        return store.listKeys(userId).stream().filter(k -> k.id().equals(keyId)).findFirst().orElse(key);
    }
}
