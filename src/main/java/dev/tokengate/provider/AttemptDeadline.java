package dev.tokengate.provider;

import dev.tokengate.core.Deadline;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * The client's deadline of the upstream attempt that is starting, handed from the failover loop to
 * {@link UpstreamTransport} the way the tracing context is: current only while the provider's call starts
 * synchronously (the transport reads it before anything asynchronous happens), so the providers' signatures stay as
 * they are. The loop sets it only for a request that has a deadline; otherwise it stays null and costs one
 * thread-local read per upstream call.
 */
public final class AttemptDeadline {
    private static final FastThreadLocal<Deadline> CURRENT = new FastThreadLocal<>();

    private AttemptDeadline() {}

    /** The deadline of the attempt starting on this thread, or null. */
    public static Deadline current() {
        return CURRENT.get();
    }

    /** Makes {@code deadline} current until {@link #clear()}; the caller clears it in a {@code finally}. */
    public static void set(Deadline deadline) {
        CURRENT.set(deadline);
    }

    public static void clear() {
        CURRENT.set(null);
    }
}
