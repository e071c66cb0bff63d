package dev.tokengate.ratelimit;

import dev.tokengate.config.GatewayConfig;

/**
 * The counters of one scope for the minute that ends now, in sixty one-second slots, plus the requests in flight. Not
 * thread-safe: {@link LocalRateLimiter} guards each instance. The Redis limiter runs the same algorithm in Lua.
 */
final class SlidingMinute {
    static final int SECONDS = 60;

    private final long[] slotSecond = new long[SECONDS];
    private final long[] requests = new long[SECONDS];
    private final long[] tokens = new long[SECONDS];
    private int inFlight;
    /** Set (under this window's lock) when {@link LocalRateLimiter} forgets it: a new one must count from then on. */
    boolean dropped;

    SlidingMinute() {
        java.util.Arrays.fill(slotSecond, -1);
    }

    Decision acquire(String scope, String permitId, GatewayConfig.RateLimit limit, long wanted, long nowMs) {
        long now = nowMs / 1000;
        long usedRequests = 0;
        long usedTokens = 0;
        // slot indexes stepped, not computed per second: floorMod is a division
        for (long s = now - SECONDS + 1, i = slot(s); s <= now; s++, i = i + 1 == SECONDS ? 0 : i + 1) {
            if (slotSecond[(int) i] != s) continue;
            usedRequests += requests[(int) i];
            usedTokens += tokens[(int) i];
        }
        String refused = null;
        long retryMs = 0;
        if (limit.requestsPerMinute() > 0 && usedRequests + 1 > limit.requestsPerMinute()) {
            refused = "requests";
            retryMs = untilFits(requests, usedRequests + 1 - limit.requestsPerMinute(), now, nowMs);
        } else if (limit.tokensPerMinute() > 0 && usedTokens + wanted > limit.tokensPerMinute()) {
            refused = "tokens";
            retryMs = wanted > limit.tokensPerMinute() ? SECONDS * 1000L
                    : untilFits(tokens, usedTokens + wanted - limit.tokensPerMinute(), now, nowMs);
        } else if (limit.concurrentRequests() > 0 && inFlight >= limit.concurrentRequests()) {
            refused = "concurrency";
            retryMs = 1000;
        }
        Permit permit = null;
        if (refused == null) {
            int i = slot(now);
            if (slotSecond[i] != now) {
                slotSecond[i] = now;
                requests[i] = 0;
                tokens[i] = 0;
            }
            requests[i]++;
            tokens[i] += wanted;
            inFlight++;
            usedRequests++;
            usedTokens += wanted;
            permit = new Permit(scope, permitId, now, wanted, this);
        }
        return new Decision(permit, refused, limit, usedRequests, usedTokens, untilEmpty(requests, now, nowMs),
                untilEmpty(tokens, now, nowMs), retryMs);
    }

    void release(Permit p, long actualTokens, long nowMs) {
        inFlight = Math.max(0, inFlight - 1);
        int i = slot(p.second());
        if (slotSecond[i] == p.second() && p.second() > nowMs / 1000 - SECONDS) {
            tokens[i] = Math.max(0, tokens[i] + actualTokens - p.countedTokens());
        }
    }

    /** True when nothing is counted any more: the scope can be forgotten. */
    boolean idle(long nowMs) {
        long oldest = nowMs / 1000 - SECONDS + 1;
        if (inFlight > 0) return false;
        for (long s : slotSecond) if (s >= oldest) return false;
        return true;
    }

    /** Milliseconds until the oldest counts that add up to {@code excess} have left the window. */
    private long untilFits(long[] counts, long excess, long now, long nowMs) {
        long freed = 0;
        for (long s = now - SECONDS + 1, i = slot(s); s <= now; s++, i = i + 1 == SECONDS ? 0 : i + 1) {
            if (slotSecond[(int) i] != s) continue;
            freed += counts[(int) i];
            if (freed >= excess) return (s + SECONDS) * 1000 - nowMs;
        }
        return SECONDS * 1000L;
    }

    /** Milliseconds until the newest count leaves the window. */
    private long untilEmpty(long[] counts, long now, long nowMs) {
        for (long s = now, i = slot(s); s > now - SECONDS; s--, i = i == 0 ? SECONDS - 1 : i - 1) {
            if (slotSecond[(int) i] == s && counts[(int) i] > 0) return (s + SECONDS) * 1000 - nowMs;
        }
        return 0;
    }

    private static int slot(long second) {
        return (int) Math.floorMod(second, (long) SECONDS);
    }
}
