package dev.tokengate.files;

import dev.tokengate.accounts.Secrets;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.ErrorKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * OpenAI's Files API over a {@link FileStore}: uploads with a purpose and a size limit, and reads that show a user only
 * their own files that have not expired (anyone else gets a 404, as if the file did not exist).
 */
public final class FileService {
    /** The purposes a client may upload with; only "batch" files can feed a batch. */
    public static final Set<String> UPLOAD_PURPOSES = Set.of("assistants", "batch", "fine-tune", "vision", "user_data", "evals");
    public static final String BATCH = "batch";
    public static final String BATCH_OUTPUT = "batch_output";
    public static final long MIN_EXPIRY_SECONDS = 3600;
    public static final long MAX_EXPIRY_SECONDS = 2_592_000;

    /** One page of a listing; {@code hasMore} says whether anything follows the last file. */
    public record Page(List<StoredFile> files, boolean hasMore) {}

    private final Vertx vertx;
    private final FileStore store;
    private final InstantSource clock;
    private final long maxBytes;

    public FileService(Vertx vertx, FileStore store, InstantSource clock, long maxBytes) {
        this.vertx = vertx;
        this.store = store;
        this.clock = clock;
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** @param expiresAfterSeconds seconds after creation when the file expires, or null for never */
    public Future<StoredFile> upload(String userId, String filename, String purpose, Long expiresAfterSeconds, Callable<byte[]> content) {
        if (!UPLOAD_PURPOSES.contains(purpose)) {
            throw ApiException.invalid("purpose", "'purpose' must be one of " + String.join(", ", UPLOAD_PURPOSES.stream().sorted().toList())
                    + "; got '" + purpose + "'.", "invalid_value");
        }
        if (expiresAfterSeconds != null && (expiresAfterSeconds < MIN_EXPIRY_SECONDS || expiresAfterSeconds > MAX_EXPIRY_SECONDS)) {
            throw ApiException.invalid("expires_after[seconds]", "'expires_after[seconds]' must be between " + MIN_EXPIRY_SECONDS
                    + " and " + MAX_EXPIRY_SECONDS + ".", "invalid_value");
        }
        return blocking(() -> {
            byte[] bytes = content.call();
            if (bytes.length > maxBytes) throw tooLarge(maxBytes);
            return write(userId, filename, purpose, bytes, expiresAfterSeconds);
        });
    }

    /** Stores a file the gateway produced (for example a batch's output). Blocking. */
    public StoredFile write(String userId, String filename, String purpose, byte[] content, Long expiresAfterSeconds) {
        long now = clock.millis();
        StoredFile f = new StoredFile(Secrets.newId("file-"), userId, purpose, filename, content.length, now,
                expiresAfterSeconds == null ? null : now + expiresAfterSeconds * 1000);
        store.create(f, content);
        return f;
    }

    public Future<StoredFile> get(String userId, String id) {
        return blocking(() -> owned(userId, id));
    }

    /** The file, if the user owns it and it has not expired; a 404 otherwise. Blocking. */
    public StoredFile owned(String userId, String id) {
        return store.find(id).filter(f -> f.userId().equals(userId) && !f.expired(clock.millis()))
                .orElseThrow(() -> notFound(id));
    }

    /** The content of a file the user owns. Blocking. */
    public byte[] contentOf(String userId, String id) {
        owned(userId, id);
        return store.content(id).orElseThrow(() -> notFound(id));
    }

    public Future<byte[]> content(String userId, String id) {
        return blocking(() -> contentOf(userId, id));
    }

    public Future<Page> list(String userId, String purpose, String after, int limit, boolean ascending) {
        return blocking(() -> {
            List<StoredFile> got = store.list(userId, purpose, after, limit + 1, ascending, clock.millis());
            return new Page(got.subList(0, Math.min(limit, got.size())), got.size() > limit);
        });
    }

    public Future<Void> delete(String userId, String id) {
        return blocking(() -> {
            owned(userId, id);
            if (!store.delete(id)) throw notFound(id);
            return null;
        });
    }

    public static ApiException tooLarge(long maxBytes) {
        return new ApiException(ErrorKind.PAYLOAD_TOO_LARGE, "The file is larger than the limit of " + maxBytes + " bytes.",
                "file", "file_too_large");
    }

    private static ApiException notFound(String id) {
        return new ApiException(ErrorKind.NOT_FOUND, "No such File object: " + id, "id", "file_not_found");
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }
}
