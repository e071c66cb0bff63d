package dev.tokengate.billing;

import java.util.List;
import java.util.Optional;

/**
 * Storage port for balances, holds, ledger entries and usage records. Every method is one transaction, so the ledger
 * adds up after each of them. Blocking: call it off the event loop.
 */
public interface LedgerStore {
    /**
     * The account, opened first when missing; opening writes an {@link LedgerEntry.Kind#OPENING_CREDIT} entry when
     * {@code openingCreditMicros} is positive. Opening twice (two instances racing) opens once.
     */
    Account open(String userId, long openingCreditMicros, boolean unlimited, long now);

    Optional<Account> find(String userId);

    /**
     * Holds {@code hold.micros()} when {@code balance - reserved} covers it: one atomic conditional update, so holds on
     * any number of instances never exceed the balance. Stores the hold under {@code owner} until {@code expiresAt}.
     *
     * @return false when the balance cannot cover it (or there is no account)
     */
    boolean reserve(Hold hold, String owner, long expiresAt);

    /**
     * In one transaction: releases each settlement's hold, charges {@code min(chargeMicros, what the balance can cover)}
     * and writes its usage record with the amount charged.
     *
     * @return the amounts charged, in the order of {@code batch}
     */
    List<Long> settle(List<Settlement> batch);

    /**
     * Adds {@code deltaMicros} (negative for a debit) with its entry, unless that would leave less than what is reserved.
     *
     * @return the entry, or empty when refused or there is no account
     */
    Optional<LedgerEntry> credit(String entryId, String userId, long deltaMicros, LedgerEntry.Kind kind, String reason, long now);

    /** Entries newest first, after the entry {@code afterId} when given. */
    List<LedgerEntry> entries(String userId, String afterId, int limit);

    List<UsageRecord> usage(UsageQuery query);

    /** Extends the expiry of every hold of {@code owner} (the heartbeat of a live instance). */
    int renewHolds(String owner, long expiresAt);

    /** Releases the holds whose owner stopped renewing them (it crashed); returns how many. */
    int releaseExpiredHolds(long now);

    /** Gives back what the store keeps between calls (a connection); called after the last settlement is written. */
    default void close() {}
}
