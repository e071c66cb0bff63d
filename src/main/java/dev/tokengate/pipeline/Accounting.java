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

    /**
     * Admits a request whose counts are known up front (embeddings, images, response-cache hits): {@code rateTokens}
     * against the key's tokens per minute, {@code worstCaseMicros} held on the balance.
     */
    default Future<Ticket> admit(Caller caller, String model, long rateTokens, long worstCaseMicros) {
        return Future.succeededFuture(NO_TICKET);
    }

    interface Ticket {
        /**
         * @param servedBy the deployment whose price applies, or null when no upstream produced anything billable
         * @param usage    what to charge for (for an aborted stream: what was delivered)
         * @param status   the HTTP status the client saw (499 when it went away)
         */
        void finish(Deployment servedBy, Usage usage, int status, boolean stream);

        /**
         * As {@link #finish(Deployment, Usage, int, boolean)} with the cost given rather than derived from the tokens
         * (images are priced per image, cache hits by the cache's price). A cache hit gives the limiter no tokens.
         */
        default void finish(Deployment servedBy, Usage usage, long costMicros, boolean cacheHit, int status, boolean stream) {
            finish(servedBy, usage, status, stream);
        }
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
