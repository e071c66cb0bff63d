package dev.tokengate.store.memory;

import dev.tokengate.files.FileStore;
import dev.tokengate.files.StoredFile;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Files in memory, content included; same ordering and cursor rules as the SQL stores. */
public final class MemoryFileStore implements FileStore {
    private record Entry(StoredFile file, byte[] content) {}

    private final Map<String, Entry> files = new HashMap<>();

    @Override
    public synchronized void create(StoredFile file, byte[] content) {
        if (files.putIfAbsent(file.id(), new Entry(file, content.clone())) != null) throw new IllegalStateException("duplicate file id");
    }

    @Override
    public synchronized Optional<StoredFile> find(String id) {
        return Optional.ofNullable(files.get(id)).map(Entry::file);
    }

    @Override
    public synchronized List<StoredFile> list(String userId, String purpose, String after, int limit, boolean ascending, long now) {
        Comparator<StoredFile> order = Comparator.comparingLong(StoredFile::createdAt).thenComparing(StoredFile::id);
        if (!ascending) order = order.reversed();
        Entry cursor = after == null ? null : files.get(after);
        if (after != null && (cursor == null || !cursor.file().userId().equals(userId))) return List.of();
        Comparator<StoredFile> o = order;
        return files.values().stream().map(Entry::file)
                .filter(f -> f.userId().equals(userId) && !f.expired(now) && (purpose == null || purpose.equals(f.purpose())))
                .filter(f -> cursor == null || o.compare(f, cursor.file()) > 0)
                .sorted(order).limit(limit).toList();
    }

    @Override
    public synchronized Optional<byte[]> content(String id) {
        return Optional.ofNullable(files.get(id)).map(e -> e.content().clone());
    }

    @Override
    public synchronized boolean delete(String id) {
        return files.remove(id) != null;
    }
}
