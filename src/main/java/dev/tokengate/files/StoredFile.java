package dev.tokengate.files;

/**
 * A file's metadata (its content is stored beside it). Times are epoch milliseconds.
 *
 * @param purpose   one of OpenAI's upload purposes, or "batch_output" for files the gateway wrote
 * @param expiresAt when the file stops being visible, or null for never
 */
public record StoredFile(String id, String userId, String purpose, String filename, long bytes, long createdAt, Long expiresAt) {

    public boolean expired(long now) {
        return expiresAt != null && expiresAt <= now;
    }
}
