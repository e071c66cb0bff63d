package dev.tokengate.accounts;

import java.time.Instant;

/**
 * A user's API key as stored: only the SHA-256 of the secret is kept, plus its first characters for display.
 */
public record ApiKey(String id, String userId, String name, String prefix, String hash, Instant createdAt, Instant revokedAt) {
    public boolean active() { return revokedAt == null; }
}
