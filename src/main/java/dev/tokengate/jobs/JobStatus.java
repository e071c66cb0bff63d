package dev.tokengate.jobs;

import java.util.Locale;

/** A job's life: pending (queued) -> assigned (a worker holds its lease) -> completed | failed; or cancelled. */
public enum JobStatus {
    PENDING, ASSIGNED, COMPLETED, FAILED, CANCELLED;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public static JobStatus fromWire(String s) { return valueOf(s.toUpperCase(Locale.ROOT)); }

    public boolean terminal() { return this == COMPLETED || this == FAILED || this == CANCELLED; }
}
