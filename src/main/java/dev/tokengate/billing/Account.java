package dev.tokengate.billing;

/**
 * A user's prepaid balance in integer micro-dollars. {@code reservedMicros} is held by requests in flight; what a new
 * request may reserve is {@link #availableMicros()}. An unlimited account is never refused and never charged (its
 * usage is still recorded).
 */
public record Account(String userId, long balanceMicros, long reservedMicros, boolean unlimited, long updatedAt) {
    public long availableMicros() {
        return balanceMicros - reservedMicros;
    }
}
