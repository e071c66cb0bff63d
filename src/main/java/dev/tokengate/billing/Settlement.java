package dev.tokengate.billing;

/**
 * The end of a request: release {@code heldMicros} (and the stored hold {@code holdId}, if any), charge up to
 * {@code chargeMicros} and write the usage record, all in one transaction.
 */
public record Settlement(String userId, String holdId, long heldMicros, long chargeMicros, UsageRecord usage) {}
