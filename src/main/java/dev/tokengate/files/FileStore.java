package dev.tokengate.files;

import java.util.List;
import java.util.Optional;

/** Storage port for uploaded and generated files, content included, so every instance sees the same files. Blocking. */
public interface FileStore {
    void create(StoredFile file, byte[] content);

    Optional<StoredFile> find(String id);

    /**
     * A user's files that have not expired at {@code now}, newest first (or oldest first), strictly after the file
     * {@code after} in that order; a cursor that is not one of the user's files matches nothing.
     *
     * @param purpose only files of this purpose, or null for all
     */
    List<StoredFile> list(String userId, String purpose, String after, int limit, boolean ascending, long now);

    Optional<byte[]> content(String id);

    /** Returns false when there was no such file. */
    boolean delete(String id);
}
