package dev.tokengate.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ResponseStore} must do, whatever keeps the data. One subclass per backend. */
abstract class ResponseStoreContract {
    private ResponseStore store;

    /** A store on empty storage; called before each test. */
    protected abstract ResponseStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    private static StoredResponse response(String id, String userId) {
        return new StoredResponse(id, userId, 1_741_476_542L, "{\"id\":\"" + id + "\",\"object\":\"response\"}",
                "[{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}]");
    }

    @Test
    void savedResponseIsFoundByItsOwnerWithEveryField() {
        StoredResponse r = response("resp_1", "user_a");
        store.save(r);

        assertThat(store.find("user_a", "resp_1")).contains(r);
    }

    @Test
    void responseIsNotFoundForAnotherUserOrAnUnknownId() {
        store.save(response("resp_1", "user_a"));

        assertThat(store.find("user_b", "resp_1")).isEmpty();
        assertThat(store.find("user_a", "resp_2")).isEmpty();
    }

    @Test
    void onlyTheOwnerDeletesAndOnlyOnce() {
        store.save(response("resp_1", "user_a"));

        assertThat(store.delete("user_b", "resp_1")).isFalse();
        assertThat(store.find("user_a", "resp_1")).isPresent();
        assertThat(store.delete("user_a", "resp_1")).isTrue();
        assertThat(store.find("user_a", "resp_1")).isEmpty();
        assertThat(store.delete("user_a", "resp_1")).isFalse();
    }

    @Test
    void deletingOneResponseKeepsTheOthers() {
        store.save(response("resp_1", "user_a"));
        store.save(response("resp_2", "user_a"));

        store.delete("user_a", "resp_1");

        assertThat(store.find("user_a", "resp_2")).isPresent();
    }

    @Test
    void duplicateIdIsRejectedAndTheFirstResponseKept() {
        StoredResponse first = response("resp_same", "user_a");
        store.save(first);

        assertThatThrownBy(() -> store.save(response("resp_same", "user_b"))).isInstanceOf(RuntimeException.class);
        assertThat(store.find("user_a", "resp_same")).contains(first);
        assertThat(store.find("user_b", "resp_same")).isEmpty();
    }

    @Test
    void largeUnicodeJsonIsKeptExactly() {
        String text = "Grüße, 你好, emoji \uD83D\uDE00 ".repeat(40_000);
        StoredResponse big = new StoredResponse("resp_big", "user_a", 1L, "{\"text\":\"" + text + "\"}", "[\"" + text + "\"]");
        store.save(big);

        assertThat(store.find("user_a", "resp_big")).contains(big);
    }
}
