package dev.tokengate.billing;

/**
 * The end of a request: release {@code heldMicros} (and the stored hold {@code holdId}, if any), charge up to
 * {@code chargeMicros} and write the usage record, all in one transaction. With {@code once}, a usage record already
 * stored under the same id means this charge was made before (a job that re-ran after a crash): the hold is released
 * and nothing is charged or written.
 */
public record Settlement(String userId, String holdId, long heldMicros, long chargeMicros, UsageRecord usage, boolean once) {
    public Settlement(String userId, String holdId, long heldMicros, long chargeMicros, UsageRecord usage) {
        this(userId, holdId, heldMicros, chargeMicros, usage, false);
    }
}
