package dev.tokengate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokengate.jobs.Job;
import dev.tokengate.jobs.JobStatus;
import dev.tokengate.jobs.JobStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link JobStore} must do, whatever keeps the queue. One subclass per backend. Times are epoch millis. */
abstract class JobStoreContract {
    static final long T0 = 1_740_823_200_000L;
    private static final long LEASE = 30_000;

    private static final Job.Outcome ANSWER = new Job.Outcome("gpt-4o-mini-2024-07-18", "{\"answer\":42}",
            "{\"id\":\"chatcmpl-1\",\"choices\":[]}", null, null, null, 120, 34, 5_678, true, 81_000_000L, 912_000_000L);
    private static final Job.Outcome OVERLOADED = Job.Outcome.failure("The upstream is overloaded.", "upstream_overloaded", 503);

    private JobStore store;

    /** A store on empty storage; called before each test. */
    protected abstract JobStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    // ---- insert and find

    @Test
    void insertedJobIsFoundWithEveryField() {
        Job full = new Job("job_full", "user_alice", "message", null, "custom-7", JobStatus.PENDING, "gpt-4o-mini",
                "{\"messages\":[]}", "{\"type\":\"object\"}", 600, "idem-1",
                "{\"url\":\"https://hooks.example/x\"}", 0, null, null, T0 + 5, null, Job.CallbackStatus.NONE, T0, T0 + 1, null);
        Job leased = job("job_leased", T0).leasedTo("owner_a", T0 + LEASE);
        Job bare = Job.newJob("job_bare", "user_bob", "batch_item", "batch_1", null, "m", "{}", null, null, null, null, T0);
        store.insert(List.of(full, leased, bare));

        assertThat(store.find("job_full")).contains(full);
        assertThat(store.find("job_leased")).contains(leased);
        assertThat(store.find("job_bare")).contains(bare);
        assertThat(store.find("job_missing")).isEmpty();
    }

    @Test
    void jobIsFoundByItsUsersIdempotencyKeyOnly() {
        store.insert(List.of(job("job_a", T0, "user_alice", "key-1"), job("job_b", T0, "user_bob", "key-1")));

        assertThat(store.findByIdempotencyKey("user_alice", "key-1")).map(Job::id).contains("job_a");
        assertThat(store.findByIdempotencyKey("user_bob", "key-1")).map(Job::id).contains("job_b");
        assertThat(store.findByIdempotencyKey("user_carol", "key-1")).isEmpty();
        assertThat(store.findByIdempotencyKey("user_alice", "key-2")).isEmpty();
    }

    @Test
    void jobsWithoutIdempotencyKeyNeverClash() {
        store.insert(List.of(job("job_1", T0), job("job_2", T0)));
        store.insert(List.of(job("job_3", T0)));

        assertThat(store.find("job_3")).isPresent();
    }

    @Test
    void insertWithTheSameIdTwiceInTheListInsertsNone() {
        assertThatThrownBy(() -> store.insert(List.of(job("job_1", T0), job("job_2", T0), job("job_1", T0 + 1))))
                .isInstanceOf(RuntimeException.class);

        assertThat(store.find("job_1")).isEmpty();
        assertThat(store.find("job_2")).isEmpty();
    }

    @Test
    void insertWithTheIdOfAStoredJobInsertsNoneAndKeepsTheStoredJob() {
        Job stored = job("job_1", T0);
        store.insert(List.of(stored));

        assertThatThrownBy(() -> store.insert(List.of(job("job_2", T0), job("job_1", T0 + 9))))
                .isInstanceOf(RuntimeException.class);

        assertThat(store.find("job_1")).contains(stored);
        assertThat(store.find("job_2")).isEmpty();
    }

    @Test
    void insertWithAnIdempotencyKeyTwiceInTheListInsertsNone() {
        assertThatThrownBy(() -> store.insert(List.of(
                job("job_1", T0, "user_alice", "key-1"), job("job_2", T0, "user_bob", "key-1"), job("job_3", T0, "user_alice", "key-1"))))
                .isInstanceOf(RuntimeException.class);

        assertThat(store.find("job_1")).isEmpty();
        assertThat(store.find("job_2")).isEmpty();
        assertThat(store.find("job_3")).isEmpty();
    }

    @Test
    void insertWithAStoredIdempotencyKeyInsertsNone() {
        store.insert(List.of(job("job_1", T0, "user_alice", "key-1")));

        assertThatThrownBy(() -> store.insert(List.of(job("job_2", T0), job("job_3", T0, "user_alice", "key-1"))))
                .isInstanceOf(RuntimeException.class);

        assertThat(store.find("job_2")).isEmpty();
        assertThat(store.find("job_3")).isEmpty();
        assertThat(store.findByIdempotencyKey("user_alice", "key-1")).map(Job::id).contains("job_1");
    }

    // ---- claim

    @Test
    void claimLeasesDuePendingJobsOldestRunAfterFirstUpToTheLimit() {
        store.insert(List.of(job("job_c", T0 + 30), job("job_a", T0 + 10), job("job_future", T0 + 101), job("job_b", T0 + 20),
                job("job_d", T0 + 100)));

        List<Job> claimed = store.claim("owner_a", T0 + 100, T0 + 100 + LEASE, 3);

        assertThat(claimed).extracting(Job::id).containsExactly("job_a", "job_b", "job_c");
        for (Job j : claimed) {
            assertThat(j.status()).isEqualTo(JobStatus.ASSIGNED);
            assertThat(j.leaseOwner()).isEqualTo("owner_a");
            assertThat(j.leaseExpiresAt()).isEqualTo(T0 + 100 + LEASE);
            assertThat(j.attempts()).isEqualTo(1);
            assertThat(j.updatedAt()).isEqualTo(T0 + 100);
            assertThat(store.find(j.id())).contains(j);
        }
        assertThat(store.claim("owner_b", T0 + 100, T0 + 100 + LEASE, 10)).extracting(Job::id).containsExactly("job_d");
        assertThat(store.find("job_future").orElseThrow().status()).isEqualTo(JobStatus.PENDING);
    }

    @Test
    void claimWithNothingDueReturnsNothing() {
        store.insert(List.of(job("job_later", T0 + 1)));

        assertThat(store.claim("owner_a", T0, T0 + LEASE, 10)).isEmpty();
        assertThat(store.find("job_later").orElseThrow().attempts()).isZero();
    }

    @Test
    void claimTakesOverAJobWhoseLeaseExpiredAndCountsAnotherAttempt() {
        store.insert(List.of(job("job_1", T0)));
        store.claim("owner_dead", T0, T0 + LEASE, 1);

        assertThat(store.claim("owner_b", T0 + LEASE, T0 + 2 * LEASE, 1)).as("lease still valid at its last millisecond").isEmpty();
        List<Job> taken = store.claim("owner_b", T0 + LEASE + 1, T0 + 2 * LEASE, 1);

        assertThat(taken).singleElement().satisfies(j -> {
            assertThat(j.leaseOwner()).isEqualTo("owner_b");
            assertThat(j.leaseExpiresAt()).isEqualTo(T0 + 2 * LEASE);
            assertThat(j.attempts()).isEqualTo(2);
        });
    }

    @Test
    void claimOfOneModelTakesOnlyItsDueJobsIncludingExpiredLeases() {
        store.insert(List.of(job("job_a1", T0 + 10, "gpt-4o"), job("job_b1", T0 + 5, "gpt-5"), job("job_a2", T0 + 20, "gpt-4o"),
                job("job_a3", T0 + 30, "gpt-4o"), job("job_a_later", T0 + 10 * LEASE, "gpt-4o")));
        store.claim("owner_dead", T0 + 100, T0 + 100 + LEASE, 1, "gpt-4o");

        List<Job> claimed = store.claim("owner_a", T0 + 100, T0 + 100 + LEASE, 2, "gpt-4o");

        assertThat(claimed).extracting(Job::id).containsExactly("job_a2", "job_a3");
        assertThat(claimed).allSatisfy(j -> assertThat(j.leaseOwner()).isEqualTo("owner_a"));
        assertThat(store.claim("owner_a", T0 + 100, T0 + 100 + LEASE, 10, "gpt-4o")).isEmpty();
        assertThat(store.claim("owner_b", T0 + 101 + LEASE, T0 + 101 + 2 * LEASE, 10, "gpt-4o"))
                .extracting(Job::id).containsExactly("job_a1", "job_a2", "job_a3");
        assertThat(store.find("job_b1").orElseThrow().status()).isEqualTo(JobStatus.PENDING);
    }

    @Test
    void putBackReturnsAClaimedJobToTheQueueWithoutCountingTheAttempt() {
        store.insert(List.of(job("job_1", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 1);

        assertThat(store.putBack("job_1", "owner_b", T0 + 1000, T0 + 1)).as("not the lease owner").isFalse();
        assertThat(store.putBack("job_1", "owner_a", T0 + 1000, T0 + 1)).isTrue();

        Job back = store.find("job_1").orElseThrow();
        assertThat(back.status()).isEqualTo(JobStatus.PENDING);
        assertThat(back.attempts()).isZero();
        assertThat(back.leaseOwner()).isNull();
        assertThat(back.runAfter()).isEqualTo(T0 + 1000);
        assertThat(store.claim("owner_a", T0 + 999, T0 + LEASE, 1)).isEmpty();
        assertThat(store.claim("owner_a", T0 + 1000, T0 + LEASE, 1)).singleElement()
                .satisfies(j -> assertThat(j.attempts()).isEqualTo(1));
    }

    @Test
    void claimNeverTakesEndedJobs() {
        store.insert(List.of(job("job_done", T0), job("job_failed", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 2);
        store.complete("job_done", "owner_a", ANSWER, T0 + 1);
        store.fail("job_failed", "owner_a", OVERLOADED, T0 + 1);

        assertThat(store.claim("owner_b", T0 + 10 * LEASE, T0 + 11 * LEASE, 10)).isEmpty();
    }

    @Test
    void concurrentClaimersNeverGetTheSameJob() throws Exception {
        int jobs = 300;
        int claimers = 6;
        List<Job> queued = new ArrayList<>();
        for (int i = 0; i < jobs; i++) queued.add(job("job_%03d".formatted(i), T0 + i % 17));
        store.insert(queued);

        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(claimers)) {
            for (int c = 0; c < claimers; c++) {
                String owner = "owner_" + c;
                results.add(pool.submit(() -> {
                    start.await();
                    List<String> mine = new ArrayList<>();
                    while (true) {
                        List<Job> got = store.claim(owner, T0 + 100, T0 + 100 + LEASE, 7);
                        if (got.isEmpty()) return mine;
                        for (Job j : got) {
                            assertThat(j.leaseOwner()).isEqualTo(owner);
                            mine.add(j.id());
                        }
                    }
                }));
            }
            start.countDown();

            Map<String, String> ownerOf = new HashMap<>();
            for (int c = 0; c < claimers; c++) {
                for (String id : results.get(c).get()) {
                    String previous = ownerOf.put(id, "owner_" + c);
                    assertThat(previous).as("%s claimed by %s and owner_%d", id, previous, c).isNull();
                }
            }
            assertThat(ownerOf).hasSize(jobs);
            for (var e : ownerOf.entrySet()) {
                Job stored = store.find(e.getKey()).orElseThrow();
                assertThat(stored.leaseOwner()).isEqualTo(e.getValue());
                assertThat(stored.attempts()).isEqualTo(1);
            }
        }
    }

    // ---- ending a job

    @Test
    void completeByTheLeaseOwnerStoresTheOutcomeAndEndsTheLease() {
        store.insert(List.of(job("job_1", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 1);

        assertThat(store.complete("job_1", "owner_a", ANSWER, T0 + 50)).isTrue();

        Job done = store.find("job_1").orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.outcome()).isEqualTo(ANSWER);
        assertThat(done.leaseOwner()).isNull();
        assertThat(done.leaseExpiresAt()).isNull();
        assertThat(done.completedAt()).isEqualTo(T0 + 50);
        assertThat(done.updatedAt()).isEqualTo(T0 + 50);
        assertThat(done.attempts()).isEqualTo(1);
    }

    @Test
    void failByTheLeaseOwnerStoresTheErrorAndEndsTheLease() {
        store.insert(List.of(job("job_1", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 1);

        assertThat(store.fail("job_1", "owner_a", OVERLOADED, T0 + 50)).isTrue();

        Job failed = store.find("job_1").orElseThrow();
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.outcome()).isEqualTo(OVERLOADED);
        assertThat(failed.leaseOwner()).isNull();
        assertThat(failed.leaseExpiresAt()).isNull();
        assertThat(failed.completedAt()).isEqualTo(T0 + 50);
    }

    @Test
    void outcomeFieldsRoundTripIncludingAbsentOnes() {
        Job.Outcome sparse = new Job.Outcome("m-served", "", null, null, null, null, 0, 0, 0, false, null, null);
        Job.Outcome withError = new Job.Outcome("m-served", null, "{\"error\":{}}", "Bad JSON from the model.", "invalid_output",
                422, 7, 3, 11, false, 5L, 6L);
        store.insert(List.of(job("job_full", T0), job("job_sparse", T0), job("job_error", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 3);

        store.complete("job_full", "owner_a", ANSWER, T0 + 1);
        store.complete("job_sparse", "owner_a", sparse, T0 + 1);
        store.fail("job_error", "owner_a", withError, T0 + 1);

        assertThat(store.find("job_full").orElseThrow().outcome()).isEqualTo(ANSWER);
        assertThat(store.find("job_sparse").orElseThrow().outcome()).isEqualTo(sparse);
        assertThat(store.find("job_error").orElseThrow().outcome()).isEqualTo(withError);
    }

    @Test
    void anotherOwnerCannotEndOrRetryAJob() {
        store.insert(List.of(job("job_1", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 1);
        Job leased = store.find("job_1").orElseThrow();

        assertThat(store.complete("job_1", "owner_b", ANSWER, T0 + 1)).isFalse();
        assertThat(store.fail("job_1", "owner_b", OVERLOADED, T0 + 1)).isFalse();
        assertThat(store.retryLater("job_1", "owner_b", T0 + 100, OVERLOADED, T0 + 1)).isFalse();

        assertThat(store.find("job_1")).contains(leased);
    }

    @Test
    void staleOwnerWhoseLeaseExpiredAndMovedOnCannotEndOrRetryTheJob() {
        store.insert(List.of(job("job_1", T0)));
        store.claim("owner_slow", T0, T0 + LEASE, 1);
        store.claim("owner_b", T0 + LEASE + 1, T0 + 2 * LEASE, 1);
        Job reclaimed = store.find("job_1").orElseThrow();

        assertThat(store.complete("job_1", "owner_slow", ANSWER, T0 + LEASE + 2)).isFalse();
        assertThat(store.fail("job_1", "owner_slow", OVERLOADED, T0 + LEASE + 2)).isFalse();
        assertThat(store.retryLater("job_1", "owner_slow", T0 + 5 * LEASE, OVERLOADED, T0 + LEASE + 2)).isFalse();

        assertThat(store.find("job_1")).contains(reclaimed);
        assertThat(store.complete("job_1", "owner_b", ANSWER, T0 + LEASE + 3)).isTrue();
    }

    @Test
    void ownerWhoseLeaseExpiredStillEndsTheJobWhileNobodyTookItOver() {
        store.insert(List.of(job("job_1", T0)));
        store.claim("owner_slow", T0, T0 + LEASE, 1);

        assertThat(store.complete("job_1", "owner_slow", ANSWER, T0 + 2 * LEASE)).isTrue();

        assertThat(store.find("job_1").orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(store.claim("owner_b", T0 + 2 * LEASE, T0 + 3 * LEASE, 1)).isEmpty();
    }

    @Test
    void aJobEndsOnlyOnce() {
        store.insert(List.of(job("job_1", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 1);
        store.complete("job_1", "owner_a", ANSWER, T0 + 1);
        Job done = store.find("job_1").orElseThrow();

        assertThat(store.complete("job_1", "owner_a", ANSWER, T0 + 2)).isFalse();
        assertThat(store.fail("job_1", "owner_a", OVERLOADED, T0 + 2)).isFalse();
        assertThat(store.retryLater("job_1", "owner_a", T0 + 9, OVERLOADED, T0 + 2)).isFalse();

        assertThat(store.find("job_1")).contains(done);
    }

    @Test
    void aPendingJobCannotBeEndedOrRetried() {
        Job pending = job("job_1", T0);
        store.insert(List.of(pending));

        assertThat(store.complete("job_1", "owner_a", ANSWER, T0 + 1)).isFalse();
        assertThat(store.fail("job_1", "owner_a", OVERLOADED, T0 + 1)).isFalse();
        assertThat(store.retryLater("job_1", "owner_a", T0 + 9, OVERLOADED, T0 + 1)).isFalse();
        assertThat(store.complete("job_missing", "owner_a", ANSWER, T0 + 1)).isFalse();

        assertThat(store.find("job_1")).contains(pending);
    }

    @Test
    void retryLaterQueuesTheJobAgainAtRunAfterKeepingTheError() {
        store.insert(List.of(job("job_1", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 1);

        assertThat(store.retryLater("job_1", "owner_a", T0 + 5_000, OVERLOADED, T0 + 10)).isTrue();

        Job waiting = store.find("job_1").orElseThrow();
        assertThat(waiting.status()).isEqualTo(JobStatus.PENDING);
        assertThat(waiting.runAfter()).isEqualTo(T0 + 5_000);
        assertThat(waiting.outcome()).isEqualTo(OVERLOADED);
        assertThat(waiting.leaseOwner()).isNull();
        assertThat(waiting.leaseExpiresAt()).isNull();
        assertThat(waiting.completedAt()).isNull();
        assertThat(waiting.updatedAt()).isEqualTo(T0 + 10);
        assertThat(waiting.attempts()).isEqualTo(1);

        assertThat(store.claim("owner_b", T0 + 4_999, T0 + LEASE, 1)).isEmpty();
        assertThat(store.claim("owner_b", T0 + 5_000, T0 + 5_000 + LEASE, 1)).singleElement()
                .satisfies(j -> assertThat(j.attempts()).isEqualTo(2));
    }

    // ---- leases

    @Test
    void releasePutsOnlyTheOwnersJobsBackInTheQueueDueNow() {
        store.insert(List.of(job("job_a1", T0), job("job_a2", T0), job("job_b", T0), job("job_queued", T0 + 500)));
        store.claim("owner_a", T0, T0 + LEASE, 2);
        store.claim("owner_b", T0, T0 + LEASE, 1);

        assertThat(store.release("owner_a", T0 + 100)).isEqualTo(2);

        for (String id : List.of("job_a1", "job_a2")) {
            Job released = store.find(id).orElseThrow();
            assertThat(released.status()).isEqualTo(JobStatus.PENDING);
            assertThat(released.leaseOwner()).isNull();
            assertThat(released.leaseExpiresAt()).isNull();
            assertThat(released.runAfter()).isEqualTo(T0 + 100);
            assertThat(released.updatedAt()).isEqualTo(T0 + 100);
        }
        assertThat(store.find("job_b").orElseThrow().leaseOwner()).isEqualTo("owner_b");
        assertThat(store.find("job_queued").orElseThrow().runAfter()).isEqualTo(T0 + 500);
        assertThat(store.release("owner_a", T0 + 200)).isZero();
        assertThat(store.claim("owner_c", T0 + 100, T0 + LEASE, 10)).extracting(Job::id)
                .containsExactlyInAnyOrder("job_a1", "job_a2");
    }

    @Test
    void releaseAllPutsEveryAssignedJobBackInTheQueue() {
        store.insert(List.of(job("job_a", T0), job("job_b", T0), job("job_done", T0), job("job_queued", T0 + 500)));
        store.claim("owner_a", T0, T0 + LEASE, 1);
        store.claim("owner_b", T0, T0 + LEASE, 2);
        store.complete("job_done", "owner_b", ANSWER, T0 + 1);

        assertThat(store.releaseAll(T0 + 100)).isEqualTo(2);

        assertThat(store.find("job_a").orElseThrow().status()).isEqualTo(JobStatus.PENDING);
        assertThat(store.find("job_b").orElseThrow().status()).isEqualTo(JobStatus.PENDING);
        assertThat(store.find("job_b").orElseThrow().leaseOwner()).isNull();
        assertThat(store.find("job_done").orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(store.find("job_queued").orElseThrow().runAfter()).isEqualTo(T0 + 500);
        assertThat(store.claim("owner_c", T0 + 100, T0 + LEASE, 10)).extracting(Job::id).containsExactlyInAnyOrder("job_a", "job_b");
    }

    @Test
    void renewedLeasesKeepTheJobsFromOtherClaimers() {
        store.insert(List.of(job("job_a1", T0), job("job_a2", T0), job("job_b", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 2);
        store.claim("owner_b", T0, T0 + LEASE, 1);

        assertThat(store.renewLeases("owner_a", T0 + 3 * LEASE, T0 + LEASE / 2)).isEqualTo(2);

        assertThat(store.find("job_a1").orElseThrow().leaseExpiresAt()).isEqualTo(T0 + 3 * LEASE);
        assertThat(store.find("job_b").orElseThrow().leaseExpiresAt()).isEqualTo(T0 + LEASE);
        assertThat(store.claim("owner_c", T0 + 2 * LEASE, T0 + 4 * LEASE, 10)).extracting(Job::id).containsExactly("job_b");
        assertThat(store.renewLeases("owner_nobody", T0 + 9 * LEASE, T0)).isZero();
    }

    @Test
    void renewingDoesNotTouchEndedJobs() {
        store.insert(List.of(job("job_1", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 1);
        store.complete("job_1", "owner_a", ANSWER, T0 + 1);
        Job done = store.find("job_1").orElseThrow();

        assertThat(store.renewLeases("owner_a", T0 + 3 * LEASE, T0 + 2)).isZero();
        assertThat(store.find("job_1")).contains(done);
    }

    // ---- group writes

    @Test
    void groupWriteInsertsAndAppliesEachFinishOnlyForItsLeaseOwner() {
        store.insert(List.of(withCallback("job_done", T0), job("job_failed", T0), job("job_retry", T0), job("job_waiting", T0),
                job("job_stolen", T0)));
        List<Job> claimed = store.claim("owner_a", T0, T0 + LEASE, 5);
        Job fresh = job("job_new", T0 + 1).leasedTo("owner_a", T0 + 1 + LEASE);
        List<JobStore.Finish> finishes = List.of(
                new JobStore.Finish("job_done", "owner_a", JobStatus.COMPLETED, ANSWER, T0, T0 + 50),
                new JobStore.Finish("job_failed", "owner_a", JobStatus.FAILED, OVERLOADED, T0, T0 + 50),
                new JobStore.Finish("job_retry", "owner_a", JobStatus.PENDING, OVERLOADED, T0 + 2_000, T0 + 50),
                JobStore.Finish.putBack("job_waiting", "owner_a", T0 + 1_000, T0 + 50),
                new JobStore.Finish("job_stolen", "owner_b", JobStatus.COMPLETED, ANSWER, T0, T0 + 50));

        boolean[] applied = store.write(List.of(fresh), finishes);

        assertThat(applied).containsExactly(true, true, true, true, false);
        assertThat(store.find("job_new")).contains(fresh);
        assertThat(store.find("job_waiting").orElseThrow().attempts()).as("a put-back spends no attempt").isZero();
        for (JobStore.Finish f : finishes.subList(0, 4)) {
            Job before = claimed.stream().filter(j -> j.id().equals(f.id())).findFirst().orElseThrow();
            // what the engine tells waiters and listeners without reading the job back
            assertThat(store.find(f.id())).contains(before.after(f));
        }
        assertThat(store.find("job_stolen").orElseThrow().status()).isEqualTo(JobStatus.ASSIGNED);
        assertThat(store.pendingCallbacks(10)).extracting(Job::id).containsExactly("job_done");
    }

    @Test
    void groupWritePutBackKeepsTheLastErrorAndNeedsTheLease() {
        store.insert(List.of(job("job_1", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 1);
        store.retryLater("job_1", "owner_a", T0 + 10, OVERLOADED, T0 + 5);
        Job again = store.claim("owner_a", T0 + 10, T0 + 10 + LEASE, 1).getFirst();
        JobStore.Finish back = JobStore.Finish.putBack("job_1", "owner_a", T0 + 1_000, T0 + 20);

        assertThat(store.write(List.of(), List.of(JobStore.Finish.putBack("job_1", "owner_b", T0 + 1_000, T0 + 20))))
                .as("not the lease owner").containsExactly(false);
        assertThat(store.write(List.of(), List.of(back))).containsExactly(true);

        Job stored = store.find("job_1").orElseThrow();
        assertThat(stored).isEqualTo(again.after(back));
        assertThat(stored.attempts()).isEqualTo(1);
        assertThat(stored.outcome().errorCode()).isEqualTo(OVERLOADED.errorCode());
        assertThat(store.claim("owner_a", T0 + 999, T0 + LEASE, 1)).isEmpty();
    }

    @Test
    void groupWriteWithAFailingInsertWritesNothing() {
        store.insert(List.of(job("job_1", T0), job("job_2", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 1);

        assertThatThrownBy(() -> store.write(List.of(job("job_3", T0), job("job_2", T0)),
                List.of(new JobStore.Finish("job_1", "owner_a", JobStatus.COMPLETED, ANSWER, T0, T0 + 50))))
                .isInstanceOf(RuntimeException.class);

        assertThat(store.find("job_3")).isEmpty();
        assertThat(store.find("job_1").orElseThrow().status()).isEqualTo(JobStatus.ASSIGNED);
    }

    // ---- callbacks

    @Test
    void jobWithACallbackAwaitsItsCallbackWhenItEnds() {
        store.insert(List.of(withCallback("job_ok", T0), withCallback("job_failed", T0), job("job_silent", T0),
                withCallback("job_running", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 4);

        store.complete("job_ok", "owner_a", ANSWER, T0 + 2);
        store.fail("job_failed", "owner_a", OVERLOADED, T0 + 1);
        store.complete("job_silent", "owner_a", ANSWER, T0 + 1);

        assertThat(store.find("job_ok").orElseThrow().callbackStatus()).isEqualTo(new Job.CallbackStatus("pending", 0, null, null, null));
        assertThat(store.find("job_silent").orElseThrow().callbackStatus()).isEqualTo(Job.CallbackStatus.NONE);
        assertThat(store.find("job_running").orElseThrow().callbackStatus()).isEqualTo(Job.CallbackStatus.NONE);
        assertThat(store.pendingCallbacks(10)).extracting(Job::id).containsExactly("job_failed", "job_ok");
        assertThat(store.pendingCallbacks(1)).extracting(Job::id).containsExactly("job_failed");
    }

    @Test
    void retryLaterDoesNotAwaitTheCallback() {
        store.insert(List.of(withCallback("job_1", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 1);
        store.retryLater("job_1", "owner_a", T0 + 10, OVERLOADED, T0 + 1);

        assertThat(store.pendingCallbacks(10)).isEmpty();
    }

    @Test
    void recordedCallbackIsKeptAndNoLongerPending() {
        store.insert(List.of(withCallback("job_delivered", T0), withCallback("job_retrying", T0)));
        store.claim("owner_a", T0, T0 + LEASE, 2);
        store.complete("job_delivered", "owner_a", ANSWER, T0 + 1);
        store.complete("job_retrying", "owner_a", ANSWER, T0 + 2);
        Job.CallbackStatus delivered = new Job.CallbackStatus("delivered", 1, 204, null, T0 + 10);
        Job.CallbackStatus retrying = new Job.CallbackStatus("pending", 2, 502, "Bad Gateway", T0 + 11);

        store.recordCallback("job_delivered", delivered, T0 + 10);
        store.recordCallback("job_retrying", retrying, T0 + 11);
        store.recordCallback("job_missing", delivered, T0 + 12);

        Job found = store.find("job_delivered").orElseThrow();
        assertThat(found.callbackStatus()).isEqualTo(delivered);
        assertThat(found.updatedAt()).isEqualTo(T0 + 10);
        assertThat(found.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(found.outcome()).isEqualTo(ANSWER);
        assertThat(store.find("job_retrying").orElseThrow().callbackStatus()).isEqualTo(retrying);
        assertThat(store.pendingCallbacks(10)).extracting(Job::id).containsExactly("job_retrying");
    }

    // ---- helpers

    static Job job(String id, long runAfter) {
        return job(id, runAfter, "user_alice", null);
    }

    static Job job(String id, long runAfter, String model) {
        return Job.newJob(id, "user_alice", "message", null, null, model, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                null, null, null, null, runAfter);
    }

    /** A pending job created at {@code runAfter} and due then. */
    static Job job(String id, long runAfter, String userId, String idempotencyKey) {
        return Job.newJob(id, userId, "message", null, null, "gpt-4o-mini", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                null, null, idempotencyKey, null, runAfter);
    }

    private static Job withCallback(String id, long runAfter) {
        return Job.newJob(id, "user_alice", "message", null, null, "gpt-4o-mini", "{}", null, null, null,
                "{\"url\":\"https://hooks.example/done\",\"headers\":{},\"payload\":null}", runAfter);
    }
}
