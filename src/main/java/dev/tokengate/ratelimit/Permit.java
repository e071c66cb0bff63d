package dev.tokengate.ratelimit;

/**
 * A granted request: its concurrency slot, and the tokens it was counted for in the window second {@code second}, so
 * that its actual usage can correct them.
 *
 * @param localWindow the {@link LocalRateLimiter}'s window that granted it, so that its release needs no second lookup
 *                    of the scope (a window with requests in flight is never dropped); null from other limiters
 */
public record Permit(String scope, String id, long second, long countedTokens, Object localWindow) {
    public Permit(String scope, String id, long second, long countedTokens) {
        this(scope, id, second, countedTokens, null);
    }
}
