package dev.tokengate.ratelimit;

/**
 * A granted request: its concurrency slot, and the tokens it was counted for in the window second {@code second}, so
 * that its actual usage can correct them.
 */
public record Permit(String scope, String id, long second, long countedTokens) {}
