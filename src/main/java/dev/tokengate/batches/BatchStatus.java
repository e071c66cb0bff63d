package dev.tokengate.batches;

import java.util.Locale;

/**
 * One life cycle for every batch API; each API shows it in its own words (Letta: running for in_progress).
 */
public enum BatchStatus {
    VALIDATING, IN_PROGRESS, FINALIZING, COMPLETED, FAILED, CANCELLING, CANCELLED, EXPIRED;

    public String stored() { return name().toLowerCase(Locale.ROOT); }

    public static BatchStatus fromStored(String s) { return valueOf(s.toUpperCase(Locale.ROOT)); }

    public boolean active() { return this == VALIDATING || this == IN_PROGRESS || this == FINALIZING || this == CANCELLING; }
}
