package dev.tokengate.pipeline;

import dev.tokengate.core.ChatRequest;
import dev.tokengate.core.Deployment;
import dev.tokengate.core.Usage;
import io.vertx.core.Future;
import java.util.List;

/**
 * The stages around the provider call: rate limits and the balance before it, usage and settlement after it. Every
 * admitted request gets a {@link Ticket} that must be finished exactly once, however the request ends.
 */
public interface Accounting extends AutoCloseable {
    /** Admits the request (429 over a limit, 402 when the balance cannot cover its worst case) or fails. */
    Future<Ticket> admit(Caller caller, ChatRequest request, List<Deployment> candidates);

    interface Ticket {
        /**
         * @param servedBy the deployment whose price applies, or null when no upstream produced anything billable
         * @param usage    what to charge for (for an aborted stream: what was delivered)
         * @param status   the HTTP status the client saw (499 when it went away)
         */
        void finish(Deployment servedBy, Usage usage, int status, boolean stream);
    }

    /** Completes when every ticket finished so far is durably settled (the ledger is written behind). */
    default Future<Void> settlementsWritten() {
        return Future.succeededFuture();
    }

    Ticket NO_TICKET = (servedBy, usage, status, stream) -> {};

    /** No limits and no billing. */
    Accounting OFF = (caller, request, candidates) -> Future.succeededFuture(NO_TICKET);

    @Override
    default void close() {}
}
