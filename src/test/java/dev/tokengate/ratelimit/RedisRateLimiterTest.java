package dev.tokengate.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.config.GatewayConfig;
import dev.tokengate.store.redis.RedisRateLimiter;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Lua scripts against the test Redis: the same rules as the in-process limiter. */
class RedisRateLimiterTest {
    private final Vertx vertx = Vertx.vertx();
    private final RedisRateLimiter limiter = new RedisRateLimiter(vertx,
            new GatewayConfig.Redis(SharedRateLimitTest.REDIS, SharedRateLimitTest.prefix()));

    @AfterEach
    void close() {
        limiter.close();
        vertx.close().await();
    }

    private Decision acquire(GatewayConfig.RateLimit limit, long tokens) {
        return limiter.acquire("key:k", limit, tokens).await();
    }

    @Test
    void requestsOverTheLimitAreRefusedWithoutBeingCounted() {
        GatewayConfig.RateLimit two = new GatewayConfig.RateLimit(2, 0, 0);
        assertThat(acquire(two, 1).usedRequests()).isEqualTo(1);
        assertThat(acquire(two, 1).usedRequests()).isEqualTo(2);
        Decision refused = acquire(two, 1);
        assertThat(refused.refusedBy()).isEqualTo("requests");
        assertThat(refused.usedRequests()).isEqualTo(2);
        assertThat(refused.retryAfterMs()).isBetween(1L, 60_000L);
        assertThat(refused.resetRequestsMs()).isBetween(1L, 60_000L);
    }

    @Test
    void releasedTokensAreCorrectedToTheActualUsage() {
        GatewayConfig.RateLimit tpm = new GatewayConfig.RateLimit(0, 100, 0);
        Decision first = acquire(tpm, 80);
        assertThat(acquire(tpm, 30).refusedBy()).isEqualTo("tokens");
        // a release is sent without waiting for its answer; the next script runs after it on the same connection
        limiter.release(first.permit(), 20);
        Decision second = acquire(tpm, 30);
        assertThat(second.usedTokens()).isEqualTo(50);
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
    void theWindowSumsFollowCorrectionsAndTheResetTimesFollowWhatIsLeft() {
        GatewayConfig.RateLimit limit = new GatewayConfig.RateLimit(100, 1000, 0);
        Decision first = acquire(limit, 80);
        assertThat(first.usedTokens()).isEqualTo(80);
        assertThat(first.resetTokensMs()).isBetween(59_000L, 60_000L);
        assertThat(first.resetRequestsMs()).isBetween(59_000L, 60_000L);
        limiter.release(first.permit(), 0);
        // no tokens left in the window: the token count is reset now, the request count is not
        Decision second = acquire(limit, 0);
        assertThat(second.usedTokens()).isZero();
        assertThat(second.resetTokensMs()).isZero();
        assertThat(second.usedRequests()).isEqualTo(2);
        assertThat(second.resetRequestsMs()).isBetween(59_000L, 60_000L);
        // a request counted with no tokens that used some is corrected too
        limiter.release(second.permit(), 7);
        Decision third = acquire(limit, 0);
        assertThat(third.usedTokens()).isEqualTo(7);
        assertThat(third.resetTokensMs()).isBetween(59_000L, 60_000L);
    }

    @Test
    void aRefusalNamesWhenARetryCanSucceed() {
        GatewayConfig.RateLimit tpm = new GatewayConfig.RateLimit(0, 100, 0);
        assertThat(acquire(tpm, 60).granted()).isTrue();
        Decision refused = acquire(tpm, 50);
        assertThat(refused.refusedBy()).isEqualTo("tokens");
        assertThat(refused.usedTokens()).isEqualTo(60);
        assertThat(refused.retryAfterMs()).isBetween(59_000L, 60_000L);
        Decision tooBig = acquire(tpm, 101);
        assertThat(tooBig.refusedBy()).isEqualTo("tokens");
        assertThat(tooBig.retryAfterMs()).isEqualTo(60_000L);
    }

    @Test
    void twoLimitersOnTheirOwnEventLoopsLetExactlyTheLimitThrough() {
        String prefix = SharedRateLimitTest.prefix();
        Vertx other = Vertx.vertx();
        try (RedisRateLimiter a = new RedisRateLimiter(vertx, new GatewayConfig.Redis(SharedRateLimitTest.REDIS, prefix));
             RedisRateLimiter b = new RedisRateLimiter(other, new GatewayConfig.Redis(SharedRateLimitTest.REDIS, prefix))) {
            GatewayConfig.RateLimit sixty = new GatewayConfig.RateLimit(60, 0, 0);
            java.util.List<io.vertx.core.Future<Decision>> all = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(8);
            for (int loop = 0; loop < 8; loop++) {
                RedisRateLimiter l = loop % 2 == 0 ? a : b;
                (loop % 2 == 0 ? vertx : other).getOrCreateContext().runOnContext(v -> {
                    for (int i = 0; i < 25; i++) all.add(l.acquire("key:shared", sixty, 0));
                    sent.countDown();
                });
            }
            assertThat(sent.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            java.util.List<Decision> decisions = all.stream().map(f -> f.await()).toList();
            assertThat(decisions).hasSize(200);
            assertThat(decisions.stream().filter(Decision::granted).count()).isEqualTo(60);
            assertThat(decisions.stream().filter(d -> "requests".equals(d.refusedBy())).count()).isEqualTo(140);
            assertThat(decisions.stream().filter(Decision::granted).map(Decision::usedRequests).distinct().count()).isEqualTo(60);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            other.close().await();
        }
    }

    /** Runs {@code work} on an event loop, in one go, and waits for the future it returns. */
    private <T> T onLoop(java.util.function.Supplier<io.vertx.core.Future<T>> work) {
        io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> work.get().onComplete(p));
        return p.future().await();
    }

    @Test
    void callsOfOneEventLoopTurnGoTogetherReleasesFirstThenAcquiresInTheirOrder() {
        GatewayConfig.RateLimit limit = new GatewayConfig.RateLimit(5, 100, 1);
        Decision first = onLoop(() -> limiter.acquire("key:k", limit, 40));
        assertThat(first.granted()).isTrue();
        // one turn: the release (issued after the first acquire) is applied before both; the second acquire takes the
        // slot it frees, the third finds it taken
        java.util.List<Decision> turn = onLoop(() -> {
            io.vertx.core.Future<Decision> a = limiter.acquire("key:k", limit, 10);
            limiter.release(first.permit(), 30);
            io.vertx.core.Future<Decision> b = limiter.acquire("key:k", limit, 10);
            return io.vertx.core.Future.all(a, b).map(cf -> cf.<Decision>list());
        });
        assertThat(turn.get(0).granted()).isTrue();
        assertThat(turn.get(0).usedTokens()).isEqualTo(40);
        assertThat(turn.get(0).usedRequests()).isEqualTo(2);
        assertThat(turn.get(1).refusedBy()).isEqualTo("concurrency");
        assertThat(turn.get(1).usedRequests()).isEqualTo(2);
        // many in one turn: each sees the ones before it
        limiter.release(turn.get(0).permit(), 10);
        GatewayConfig.RateLimit five = new GatewayConfig.RateLimit(5, 0, 0);
        java.util.List<Decision> many = onLoop(() -> {
            java.util.List<io.vertx.core.Future<Decision>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) all.add(limiter.acquire("key:k", five, 0));
            return io.vertx.core.Future.all(all).map(cf -> cf.<Decision>list());
        });
        assertThat(many).extracting(Decision::usedRequests).containsExactly(3L, 4L, 5L, 5L, 5L, 5L);
        assertThat(many).extracting(Decision::refusedBy).containsExactly(null, null, null, "requests", "requests", "requests");
        assertThat(many.get(3).retryAfterMs()).isBetween(59_000L, 60_000L);
    }
}
