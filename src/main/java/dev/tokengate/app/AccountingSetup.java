package dev.tokengate.app;

import dev.tokengate.accounts.AccountService;
import dev.tokengate.billing.Balances;
import dev.tokengate.billing.BillingPolicy;
import dev.tokengate.billing.LocalBalances;
import dev.tokengate.billing.SharedBalances;
import dev.tokengate.cache.LocalResponseCache;
import dev.tokengate.cache.ResponseCache;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.pipeline.Accounting;
import dev.tokengate.pipeline.LimitsAndBalances;
import dev.tokengate.ratelimit.LocalRateLimiter;
import dev.tokengate.ratelimit.RateLimiter;
import dev.tokengate.store.redis.RedisRateLimiter;
import dev.tokengate.store.redis.RedisResponseCache;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.util.Set;

/**
 * Builds the accounting stages for the configured storage: balances kept live in this process when it is the only user
 * of its store (SQLite, memory), in PostgreSQL when instances share it; rate-limit counters and the response cache in
 * Redis when configured.
 *
 * @param balances null when billing is off
 */
record AccountingSetup(Accounting accounting, Balances balances, ResponseCache responseCache) implements AutoCloseable {

    static AccountingSetup open(Vertx vertx, GatewayConfig config, Storage storage, InstantSource clock) {
        Balances balances = null;
        if (config.billing().enabled()) {
            BillingPolicy policy = new BillingPolicy(config.billing().newUserCreditMicros(), Set.of(AccountService.ADMIN_USER_ID));
            balances = storage.soleInstance() ? new LocalBalances(vertx, storage.ledger, policy, clock)
                    : new SharedBalances(vertx, storage.ledger, policy, clock);
        }
        RateLimiter limiter = config.redis().configured() ? new RedisRateLimiter(vertx, config.redis()) : new LocalRateLimiter(clock);
        ResponseCache cache = config.redis().configured() ? new RedisResponseCache(vertx, config.redis())
                : new LocalResponseCache(clock, 100_000);
        return new AccountingSetup(new LimitsAndBalances(vertx, balances, limiter, config.rateLimits(), config.billing(), clock),
                balances, cache);
    }

    /** Writes every queued usage record; call before the store closes. */
    @Override
    public void close() {
        responseCache.close();
        accounting.close();
    }
}
