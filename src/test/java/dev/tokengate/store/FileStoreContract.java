package dev.tokengate.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.files.FileStore;
import dev.tokengate.files.StoredFile;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The FileStore contract, run against every backend: content round-trips byte for byte, listing pages by cursor. */
abstract class FileStoreContract {
    private static final long T0 = 1_700_000_000_000L;
    private FileStore store;

    protected abstract FileStore newStore();

    @BeforeEach
    void setUp() {
        store = newStore();
    }

    private static StoredFile file(String id, String user, String purpose, long createdAt, Long expiresAt) {
        return new StoredFile(id, user, purpose, id + ".jsonl", 3, createdAt, expiresAt);
    }

    @Test
    void contentRoundTripsEveryByteValue() {
        byte[] content = new byte[512];
        for (int i = 0; i < content.length; i++) content[i] = (byte) i;
        StoredFile f = new StoredFile("file-bin", "u1", "user_data", "blob.bin", content.length, T0, null);
        store.create(f, content);
        assertThat(store.find("file-bin")).contains(f);
        assertThat(store.content("file-bin")).hasValueSatisfying(c -> assertThat(c).isEqualTo(content));
    }

    @Test
    void deleteRemovesMetadataAndContentAndReportsWhetherItExisted() {
        store.create(file("file-d", "u1", "batch", T0, null), new byte[]{1, 2, 3});
        assertThat(store.delete("file-d")).isTrue();
        assertThat(store.find("file-d")).isEmpty();
        assertThat(store.content("file-d")).isEmpty();
        assertThat(store.delete("file-d")).isFalse();
    }

    @Test
    void listIsNewestFirstByDefaultAndPagesStrictlyAfterTheCursor() {
        for (int i = 0; i < 4; i++) store.create(file("file-" + i, "u1", "batch", T0 + i, null), new byte[]{1, 2, 3});
        store.create(file("file-other", "u2", "batch", T0 + 10, null), new byte[]{1, 2, 3});
        assertThat(ids(store.list("u1", null, null, 10, false, T0))).containsExactly("file-3", "file-2", "file-1", "file-0");
        assertThat(ids(store.list("u1", null, "file-2", 10, false, T0))).containsExactly("file-1", "file-0");
        assertThat(ids(store.list("u1", null, "file-1", 10, true, T0))).containsExactly("file-2", "file-3");
        assertThat(ids(store.list("u1", null, null, 2, true, T0))).containsExactly("file-0", "file-1");
    }

    @Test
    void filesCreatedInTheSameMillisecondStillPageWithoutGapsOrRepeats() {
        for (String id : List.of("file-b", "file-a", "file-c")) store.create(file(id, "u1", "batch", T0, null), new byte[]{1});
        List<String> first = ids(store.list("u1", null, null, 2, false, T0));
        List<String> rest = ids(store.list("u1", null, first.getLast(), 2, false, T0));
        assertThat(first).hasSize(2);
        assertThat(rest).hasSize(1);
        assertThat(first).doesNotContainAnyElementsOf(rest);
    }

    @Test
    void listFiltersByPurposeHidesExpiredFilesAndIgnoresOtherUsersCursors() {
        store.create(file("file-batch", "u1", "batch", T0, null), new byte[]{1});
        store.create(file("file-out", "u1", "batch_output", T0 + 1, null), new byte[]{1});
        store.create(file("file-old", "u1", "batch", T0 + 2, T0 + 100), new byte[]{1});
        store.create(file("file-theirs", "u2", "batch", T0 + 3, null), new byte[]{1});
        assertThat(ids(store.list("u1", "batch", null, 10, false, T0 + 50))).containsExactly("file-old", "file-batch");
        assertThat(ids(store.list("u1", "batch", null, 10, false, T0 + 100))).containsExactly("file-batch");
        assertThat(ids(store.list("u1", "batch_output", null, 10, false, T0))).containsExactly("file-out");
        assertThat(store.list("u1", null, "file-theirs", 10, false, T0)).isEmpty();
        assertThat(store.list("u1", null, "file-missing", 10, false, T0)).isEmpty();
    }

    private static List<String> ids(List<StoredFile> files) {
        return files.stream().map(StoredFile::id).toList();
    }
}
