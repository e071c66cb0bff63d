package dev.tokengate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokengate.accounts.AccountStore;
import dev.tokengate.accounts.ApiKey;
import dev.tokengate.accounts.Secrets;
import dev.tokengate.accounts.User;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link AccountStore} must do, whatever keeps the data. One subclass per backend. */
abstract class AccountStoreContract {
    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    private AccountStore store;

    /** A store on empty storage; called before each test. */
    protected abstract AccountStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @Test
    void createdUserIsFoundByIdWithEveryField() {
        User alice = user("user_alice", 0);
        store.createUser(alice);

        assertThat(store.findUser("user_alice")).contains(alice);
        assertThat(store.findUser("user_nobody")).isEmpty();
    }

    @Test
    void usersAreListedByCreationTimeThenById() {
        store.createUser(user("user_c", 5));
        store.createUser(user("user_b", 1));
        store.createUser(user("user_z", 0));
        store.createUser(user("user_a", 1));

        assertThat(store.listUsers()).extracting(User::id).containsExactly("user_z", "user_a", "user_b", "user_c");
    }

    @Test
    void emptyStoreListsNoUsers() {
        assertThat(store.listUsers()).isEmpty();
    }

    @Test
    void duplicateUserIdIsRejectedAndTheFirstUserKept() {
        User first = user("user_same", 0);
        store.createUser(first);

        assertThatThrownBy(() -> store.createUser(new User("user_same", "impostor", "user_max", T0.plusSeconds(9))))
                .isInstanceOf(RuntimeException.class);
        assertThat(store.findUser("user_same")).contains(first);
        assertThat(store.listUsers()).hasSize(1);
    }

    @Test
    void timesAreKeptToTheMillisecond() {
        Instant precise = T0.plusNanos(123_456_789);
        store.createUser(new User("user_precise", "p", "user_free", precise));
        store.createKey(new ApiKey("key_precise", "user_precise", null, "tg-abcde", hash("precise"), precise, null));
        store.revokeKey("user_precise", "key_precise", precise.plusMillis(1));

        Instant millis = T0.plusMillis(123);
        assertThat(store.findUser("user_precise").orElseThrow().createdAt()).isEqualTo(millis);
        ApiKey key = store.findKeyByHash(hash("precise")).orElseThrow();
        assertThat(key.createdAt()).isEqualTo(millis);
        assertThat(key.revokedAt()).isEqualTo(millis.plusMillis(1));
    }

    @Test
    void createdKeyIsFoundByItsHashWithEveryField() {
        store.createUser(user("user_alice", 0));
        ApiKey named = key("key_named", "user_alice", 1);
        ApiKey unnamed = new ApiKey("key_unnamed", "user_alice", null, "tg-zzzzz", hash("key_unnamed"), T0.plusSeconds(2), null);
        store.createKey(named);
        store.createKey(unnamed);

        assertThat(store.findKeyByHash(named.hash())).contains(named);
        assertThat(store.findKeyByHash(unnamed.hash())).contains(unnamed);
        assertThat(store.findKeyByHash(hash("never stored"))).isEmpty();
    }

    @Test
    void keysAreListedPerUserByCreationTimeThenById() {
        store.createUser(user("user_alice", 0));
        store.createUser(user("user_bob", 0));
        store.createKey(key("key_3", "user_alice", 9));
        store.createKey(key("key_2", "user_alice", 4));
        store.createKey(key("key_bob", "user_bob", 1));
        store.createKey(key("key_1", "user_alice", 4));

        assertThat(store.listKeys("user_alice")).extracting(ApiKey::id).containsExactly("key_1", "key_2", "key_3");
        assertThat(store.listKeys("user_bob")).extracting(ApiKey::id).containsExactly("key_bob");
        assertThat(store.listKeys("user_nobody")).isEmpty();
    }

    @Test
    void keyIsRevokedOnceOnlyAndKeepsItsFirstRevocationTime() {
        store.createUser(user("user_alice", 0));
        store.createKey(key("key_1", "user_alice", 1));

        assertThat(store.revokeKey("user_alice", "key_1", T0.plusSeconds(10))).isTrue();
        assertThat(store.revokeKey("user_alice", "key_1", T0.plusSeconds(20))).isFalse();

        ApiKey revoked = store.findKeyByHash(hash("key_1")).orElseThrow();
        assertThat(revoked.active()).isFalse();
        assertThat(revoked.revokedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(store.listKeys("user_alice")).containsExactly(revoked);
    }

    @Test
    void revokingAnotherUsersKeyIsRefusedAndLeavesItActive() {
        store.createUser(user("user_alice", 0));
        store.createUser(user("user_mallory", 0));
        store.createKey(key("key_alice", "user_alice", 1));

        assertThat(store.revokeKey("user_mallory", "key_alice", T0.plusSeconds(10))).isFalse();
        assertThat(store.findKeyByHash(hash("key_alice")).orElseThrow().active()).isTrue();
    }

    @Test
    void revokingAnUnknownKeyIsRefused() {
        store.createUser(user("user_alice", 0));

        assertThat(store.revokeKey("user_alice", "key_missing", T0)).isFalse();
    }

    @Test
    void duplicateKeyIdIsRejectedAndTheFirstKeyKept() {
        store.createUser(user("user_alice", 0));
        ApiKey first = key("key_1", "user_alice", 1);
        store.createKey(first);

        ApiKey sameId = new ApiKey("key_1", "user_alice", "other", "tg-other", hash("other secret"), T0, null);
        assertThatThrownBy(() -> store.createKey(sameId)).isInstanceOf(RuntimeException.class);
        assertThat(store.listKeys("user_alice")).containsExactly(first);
        assertThat(store.findKeyByHash(sameId.hash())).isEmpty();
    }

    @Test
    void keyWithAnAlreadyStoredHashIsRejectedAndTheFirstKeyKept() {
        store.createUser(user("user_alice", 0));
        ApiKey first = key("key_1", "user_alice", 1);
        store.createKey(first);

        ApiKey sameHash = new ApiKey("key_2", "user_alice", "copy", "tg-copy", first.hash(), T0, null);
        assertThatThrownBy(() -> store.createKey(sameHash)).isInstanceOf(RuntimeException.class);
        assertThat(store.findKeyByHash(first.hash())).contains(first);
        assertThat(store.listKeys("user_alice")).containsExactly(first);
    }

    @Test
    void keyForAnUnknownUserIsRejected() {
        assertThatThrownBy(() -> store.createKey(key("key_orphan", "user_nobody", 1))).isInstanceOf(RuntimeException.class);
        assertThat(store.findKeyByHash(hash("key_orphan"))).isEmpty();
    }

    @Test
    void keysCreatedConcurrentlyFromSeveralThreadsAreAllFindable() throws Exception {
        int threads = 8;
        int keysPerThread = 25;
        store.createUser(user("user_busy", 0));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < keysPerThread; i++) store.createKey(key("key_" + thread + "_" + i, "user_busy", i));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) f.get();
        }

        assertThat(store.listKeys("user_busy")).hasSize(threads * keysPerThread);
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < keysPerThread; i++) {
                assertThat(store.findKeyByHash(hash("key_" + t + "_" + i))).as("key %d/%d", t, i).isPresent();
            }
        }
    }

    @Test
    void firstCallbackSecretIsKeptAndLaterCandidatesIgnored() {
        store.createUser(user("user_alice", 0));

        assertThat(store.callbackSecret("user_alice", "whsec_first")).isEqualTo("whsec_first");
        assertThat(store.callbackSecret("user_alice", "whsec_second")).isEqualTo("whsec_first");
    }

    @Test
    void callbackSecretsAreKeptPerUser() {
        store.createUser(user("user_alice", 0));
        store.createUser(user("user_bob", 0));

        store.callbackSecret("user_alice", "whsec_alice");
        assertThat(store.callbackSecret("user_bob", "whsec_bob")).isEqualTo("whsec_bob");
        assertThat(store.callbackSecret("user_alice", "whsec_other")).isEqualTo("whsec_alice");
    }

    @Test
    void threadsRacingForTheFirstCallbackSecretAllGetTheSameOne() throws Exception {
        int threads = 8;
        store.createUser(user("user_busy", 0));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> secrets = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                String candidate = "whsec_" + t;
                secrets.add(pool.submit(() -> {
                    start.await();
                    return store.callbackSecret("user_busy", candidate);
                }));
            }
            start.countDown();
            String winner = secrets.get(0).get();
            for (Future<String> f : secrets) assertThat(f.get()).isEqualTo(winner);
        }
    }

    private static User user(String id, int secondsAfterT0) {
        return new User(id, "name of " + id, "user_pro", T0.plusSeconds(secondsAfterT0));
    }

    /** A key whose secret is its id, so tests can find it by {@code hash(id)}. */
    private static ApiKey key(String id, String userId, int secondsAfterT0) {
        return new ApiKey(id, userId, "name of " + id, "tg-" + id.substring(0, 5), hash(id), T0.plusSeconds(secondsAfterT0), null);
    }

    private static String hash(String secret) {
        return Secrets.sha256Hex(secret);
    }
}
