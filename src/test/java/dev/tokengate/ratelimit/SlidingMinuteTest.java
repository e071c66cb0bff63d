package dev.tokengate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.config.GatewayConfig;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-process limiter on a clock the test moves: a request counts for exactly the 60 seconds after it. */
class SlidingMinuteTest {
    private final AtomicLong now = new AtomicLong(1_700_000_000_500L);
    private final LocalRateLimiter limiter = new LocalRateLimiter(new InstantSource() {
        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    });

    private Decision acquire(GatewayConfig.RateLimit limit, long tokens) {
        return limiter.acquire("key:k", limit, tokens).result();
    }

    @Test
    void aRequestLeavesTheWindowSixtySecondsAfterItsSecond() {
        GatewayConfig.RateLimit three = new GatewayConfig.RateLimit(3, 0, 0);
        for (int i = 0; i < 3; i++) assertThat(acquire(three, 1).granted()).isTrue();
        now.addAndGet(30_000);
        Decision refused = acquire(three, 1);
        assertThat(refused.refusedBy()).isEqualTo("requests");
        assertThat(refused.retryAfterMs()).isEqualTo(29_500);
        now.addAndGet(29_499);
        assertThat(acquire(three, 1).granted()).isFalse();
        now.addAndGet(1);
        Decision again = acquire(three, 1);
        assertThat(again.granted()).isTrue();
        assertThat(again.usedRequests()).isEqualTo(1);
    }

    @Test
    void releasedTokensAreCorrectedToTheActualUsage() {
        GatewayConfig.RateLimit tpm = new GatewayConfig.RateLimit(0, 100, 0);
        Decision first = acquire(tpm, 80);
        assertThat(acquire(tpm, 30).refusedBy()).isEqualTo("tokens");
        limiter.release(first.permit(), 20);
        Decision second = acquire(tpm, 30);
        assertThat(second.granted()).isTrue();
        assertThat(second.usedTokens()).isEqualTo(50);
        assertThat(acquire(tpm, 101).retryAfterMs()).as("never fits: a full minute").isEqualTo(60_000);
    }

    @Test
    void aConcurrencySlotFreesWhenItsRequestEnds() {
        GatewayConfig.RateLimit one = new GatewayConfig.RateLimit(0, 0, 1);
        Decision first = acquire(one, 1);
        assertThat(acquire(one, 1).refusedBy()).isEqualTo("concurrency");
        limiter.release(first.permit(), 1);
        assertThat(acquire(one, 1).granted()).isTrue();
    }

    @Test
    void headersFollowOpenAiNamesAndDurations() {
        Decision d = acquire(new GatewayConfig.RateLimit(10, 1000, 0), 40);
        assertThat(RateLimitHeaders.of(d)).containsEntry("x-ratelimit-limit-requests", "10")
                .containsEntry("x-ratelimit-remaining-requests", "9")
                .containsEntry("x-ratelimit-reset-requests", "1m0s")
                .containsEntry("x-ratelimit-remaining-tokens", "960");
        assertThat(RateLimitHeaders.duration(250)).isEqualTo("250ms");
        assertThat(RateLimitHeaders.duration(7_200)).isEqualTo("8s");
        assertThat(RateLimitHeaders.duration(90_000)).isEqualTo("1m30s");
    }

    @Test
    void headerValuesSpellEveryCountAndResetTimeAsTheDurationText() {
        GatewayConfig.RateLimit limit = new GatewayConfig.RateLimit(1_000_000, 123_456_789, 0);
        for (long ms = -1; ms <= 130_000; ms += ms < 2_000 ? 1 : 37) {
            long used = ms < 0 ? 2_000_000 : ms * 7;
            Decision d = new Decision(new Permit("key:x", "p", 0, 0), null, limit, used, used * 3, ms, ms + 5, 0);
            assertThat(RateLimitHeaders.of(d)).containsExactly(
                    java.util.Map.entry("x-ratelimit-limit-requests", "1000000"),
                    java.util.Map.entry("x-ratelimit-remaining-requests", Long.toString(Math.max(0, 1_000_000 - used))),
                    java.util.Map.entry("x-ratelimit-reset-requests", RateLimitHeaders.duration(ms)),
                    java.util.Map.entry("x-ratelimit-limit-tokens", "123456789"),
                    java.util.Map.entry("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, 123_456_789 - used * 3))),
                    java.util.Map.entry("x-ratelimit-reset-tokens", RateLimitHeaders.duration(ms + 5)));
        }
    }
}
