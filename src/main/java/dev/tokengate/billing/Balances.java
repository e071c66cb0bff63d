package dev.tokengate.billing;

import io.vertx.core.Future;
import java.util.List;

/**
 * Prepaid balances for the request pipeline and the admin routes. Never blocks the caller: storage work runs off the
 * event loop. Reserving refuses with 402 when the balance cannot cover the worst case; settling charges the actual cost
 * and writes the usage record.
 */
public interface Balances extends AutoCloseable {
    /** Holds {@code micros} for one request; fails with an {@code INSUFFICIENT_BALANCE} ApiException when it cannot. */
    Future<Hold> reserve(String userId, long micros);

    /**
     * Releases the hold, charges {@code chargeMicros} (at most what the balance covers) and records the usage. With {@code once}, the
     * usage id identifies the charge: when a record with that id is already stored, the hold is released and nothing
     * is charged.
     */
    void settle(Hold hold, long chargeMicros, UsageRecord usage, boolean once);

    default void settle(Hold hold, long chargeMicros, UsageRecord usage) {
        settle(hold, chargeMicros, usage, false);
    }

    /** Completes when every settlement accepted so far is written to the store. */
    Future<Void> flush();

    /** The account as of now, including every settlement this instance has accepted. */
    Future<Account> account(String userId);

    /** A top-up (positive) or adjustment; fails with a 409 ApiException when it would leave less than is reserved. */
    Future<LedgerEntry> credit(String userId, long deltaMicros, LedgerEntry.Kind kind, String reason);

    Future<List<UsageRecord>> usage(UsageQuery query);

    Future<List<LedgerEntry>> entries(String userId, String afterId, int limit);

    /** Writes everything queued; closing a gateway loses no usage. */
    @Override
    void close();
}
