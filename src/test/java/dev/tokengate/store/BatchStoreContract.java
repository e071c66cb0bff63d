package dev.tokengate.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokengate.batches.Batch;
import dev.tokengate.batches.BatchCounts;
import dev.tokengate.batches.BatchStatus;
import dev.tokengate.batches.BatchStore;
import dev.tokengate.jobs.Job;
import dev.tokengate.jobs.JobStatus;
import dev.tokengate.jobs.JobStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BatchStore} must do, whatever keeps the batches. A batch's items are jobs of the {@link JobStore} on
 * the same storage, which runs them. One subclass per backend. Times are epoch millis.
 */
abstract class BatchStoreContract {
    private static final long T0 = JobStoreContract.T0;
    private static final long LEASE = 30_000;
    private static final String LETTA = "letta";
    private static final List<BatchStatus> RUNNING = List.of(BatchStatus.VALIDATING, BatchStatus.IN_PROGRESS);

    /** The two ports over one storage. */
    protected record Stores(BatchStore batches, JobStore jobs) {}

    private BatchStore batches;
    private JobStore jobs;

    /** Stores on empty storage; called before each test. */
    protected abstract Stores newStores();

    @BeforeEach
    void openStores() {
        Stores s = newStores();
        batches = s.batches();
        jobs = s.jobs();
    }

    // ---- create, find, items

    @Test
    void createdBatchIsFoundWithEveryFieldAndItsItemsInIdOrder() {
        Batch full = new Batch("batch_full", "user_alice", "openai", BatchStatus.VALIDATING, "agent-1", "/v1/chat/completions",
                "file_in", "file_out", "file_err", "24h", "{\"team\":\"x\"}", "[{\"line\":2}]", "https://hooks.example/b",
                new Job.CallbackStatus("pending", 3, 500, "boom", T0 + 7), 3, 11L, 22L, T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4,
                T0 + 5, T0 + 6, T0 + 7, T0 + 86_400_000L, T0 + 8);
        List<Job> items = List.of(item("batch_full", 2, T0), item("batch_full", 0, T0), item("batch_full", 1, T0));
        batches.create(full, items);
        Batch bare = batch("batch_bare", "user_alice", T0);
        batches.create(bare, List.of());

        assertThat(batches.find("batch_full")).contains(full);
        assertThat(batches.find("batch_bare")).contains(bare);
        assertThat(batches.find("batch_missing")).isEmpty();
        assertThat(batches.items("batch_full")).containsExactly(items.get(1), items.get(2), items.get(0));
        assertThat(batches.items("batch_bare")).isEmpty();
        assertThat(jobs.find(itemId("batch_full", 1))).contains(items.get(2));
    }

    @Test
    void itemsOfOtherBatchesAndPlainJobsAreNotListed() {
        batches.create(batch("batch_a", "user_alice", T0), List.of(item("batch_a", 0, T0)));
        batches.create(batch("batch_b", "user_alice", T0), List.of(item("batch_b", 0, T0), item("batch_b", 1, T0)));
        jobs.insert(List.of(JobStoreContract.job("job_plain", T0)));

        assertThat(batches.items("batch_a")).extracting(Job::id).containsExactly(itemId("batch_a", 0));
    }

    @Test
    void batchWithAnItemThatCannotBeStoredIsNotCreatedAtAll() {
        jobs.insert(List.of(JobStoreContract.job("job_taken", T0)));
        List<Job> items = List.of(item("batch_1", 0, T0), withId(item("batch_1", 1, T0), "job_taken"));

        assertThatThrownBy(() -> batches.create(batch("batch_1", "user_alice", T0), items)).isInstanceOf(RuntimeException.class);

        assertThat(batches.find("batch_1")).isEmpty();
        assertThat(batches.items("batch_1")).isEmpty();
        assertThat(jobs.find(itemId("batch_1", 0))).isEmpty();
    }

    @Test
    void batchWithAStoredIdIsRejectedWithItsItemsAndTheFirstKept() {
        Batch first = batch("batch_1", "user_alice", T0);
        batches.create(first, List.of(item("batch_1", 0, T0)));

        Batch again = batch("batch_1", "user_bob", T0 + 5);
        assertThatThrownBy(() -> batches.create(again, List.of(item("batch_1", 7, T0 + 5)))).isInstanceOf(RuntimeException.class);

        assertThat(batches.find("batch_1")).contains(first);
        assertThat(batches.items("batch_1")).extracting(Job::id).containsExactly(itemId("batch_1", 0));
    }

    // ---- list

    @Test
    void listShowsTheUsersBatchesOfOneApiNewestFirstOrOldestFirst() {
        createListFixture();

        assertThat(ids(batches.list("user_alice", LETTA, null, null, 10, false))).containsExactly("b_4", "b_3b", "b_3a", "b_2", "b_1");
        assertThat(ids(batches.list("user_alice", LETTA, null, null, 10, true))).containsExactly("b_1", "b_2", "b_3a", "b_3b", "b_4");
        assertThat(ids(batches.list("user_alice", "openai", null, null, 10, false))).containsExactly("b_openai");
        assertThat(ids(batches.list("user_carol", LETTA, null, null, 10, false))).isEmpty();
    }

    @Test
    void listStopsAtTheLimit() {
        createListFixture();

        assertThat(ids(batches.list("user_alice", LETTA, null, null, 2, false))).containsExactly("b_4", "b_3b");
        assertThat(ids(batches.list("user_alice", LETTA, null, null, 2, true))).containsExactly("b_1", "b_2");
    }

    @Test
    void listPagesAfterACursorInEitherOrderIncludingTiesInCreationTime() {
        createListFixture();

        assertThat(ids(batches.list("user_alice", LETTA, "b_3b", null, 10, false))).containsExactly("b_3a", "b_2", "b_1");
        assertThat(ids(batches.list("user_alice", LETTA, "b_3a", null, 2, false))).containsExactly("b_2", "b_1");
        assertThat(ids(batches.list("user_alice", LETTA, "b_3a", null, 10, true))).containsExactly("b_3b", "b_4");
        assertThat(ids(batches.list("user_alice", LETTA, "b_4", null, 10, true))).isEmpty();
    }

    @Test
    void listPagesBeforeACursorInEitherOrder() {
        createListFixture();

        assertThat(ids(batches.list("user_alice", LETTA, null, "b_3a", 10, false))).containsExactly("b_4", "b_3b");
        assertThat(ids(batches.list("user_alice", LETTA, null, "b_3b", 10, true))).containsExactly("b_1", "b_2", "b_3a");
        assertThat(ids(batches.list("user_alice", LETTA, null, "b_1", 10, true))).isEmpty();
    }

    @Test
    void listBetweenTwoCursors() {
        createListFixture();

        assertThat(ids(batches.list("user_alice", LETTA, "b_4", "b_1", 10, false))).containsExactly("b_3b", "b_3a", "b_2");
        assertThat(ids(batches.list("user_alice", LETTA, "b_1", "b_4", 10, true))).containsExactly("b_2", "b_3a", "b_3b");
        assertThat(ids(batches.list("user_alice", LETTA, "b_2", "b_3a", 10, true))).isEmpty();
    }

    @Test
    void aCursorThatIsNotOneOfTheUsersBatchesMatchesNothing() {
        createListFixture();

        assertThat(batches.list("user_alice", LETTA, "b_bob", null, 10, false)).isEmpty();
        assertThat(batches.list("user_alice", LETTA, null, "b_bob", 10, true)).isEmpty();
        assertThat(batches.list("user_alice", LETTA, "b_missing", null, 10, false)).isEmpty();
        assertThat(batches.list("user_alice", LETTA, null, "b_missing", 10, false)).isEmpty();
        assertThat(batches.list("user_alice", LETTA, "b_openai", null, 10, false)).as("a cursor of another API").isEmpty();
    }

    // ---- counts

    @Test
    void countsTellWhereTheItemsStandAndSumTheTokensOfCompletedOnes() {
        batches.create(batch("batch_1", "user_alice", T0), List.of(item("batch_1", 0, T0), item("batch_1", 1, T0),
                item("batch_1", 2, T0), item("batch_1", 3, T0), item("batch_1", 4, T0), item("batch_1", 5, T0),
                item("batch_1", 6, T0 + 1)));
        batches.create(batch("batch_other", "user_alice", T0), List.of(item("batch_other", 0, T0 + 5)));
        List<Job> claimed = jobs.claim("owner_a", T0, T0 + LEASE, 5);
        assertThat(claimed).extracting(Job::id).containsExactly(itemId("batch_1", 0), itemId("batch_1", 1),
                itemId("batch_1", 2), itemId("batch_1", 3), itemId("batch_1", 4));
        jobs.complete(itemId("batch_1", 0), "owner_a", answer(100, 20, 900L), T0 + 1);
        jobs.complete(itemId("batch_1", 1), "owner_a", answer(50, 5, 700L), T0 + 1);
        jobs.complete(itemId("batch_1", 2), "owner_a", answer(1, 1, null), T0 + 1);
        jobs.fail(itemId("batch_1", 3), "owner_a", new Job.Outcome(null, null, null, "bad", "invalid_output", 422,
                1000, 1000, 0, false, 1L, 2L), T0 + 1);
        batches.cancelPendingItems("batch_1", "The batch was cancelled.", T0 + 2);

        assertThat(batches.counts("batch_1")).isEqualTo(new BatchCounts(7, 0, 1, 3, 1, 2, 151, 26, 700L, "gpt-4o-mini"));
    }

    @Test
    void countsOfABatchWithNothingDoneYet() {
        batches.create(batch("batch_1", "user_alice", T0), List.of(item("batch_1", 0, T0), item("batch_1", 1, T0)));

        assertThat(batches.counts("batch_1")).isEqualTo(new BatchCounts(2, 2, 0, 0, 0, 0, 0, 0, null, "gpt-4o-mini"));
        assertThat(batches.counts("batch_missing")).isEqualTo(new BatchCounts(0, 0, 0, 0, 0, 0, 0, 0, null));
    }

    @Test
    void countsNameTheModelOnlyWhenEveryItemNamesTheSameOne() {
        Job other = item("batch_mixed", 1, T0);
        Job gpt5 = Job.newJob(other.id(), other.userId(), other.kind(), other.batchId(), other.customId(), "gpt-5",
                other.request(), null, null, null, null, T0);
        batches.create(batch("batch_mixed", "user_alice", T0), List.of(item("batch_mixed", 0, T0), gpt5));

        assertThat(batches.counts("batch_mixed").model()).isNull();
    }

    // ---- delete

    @Test
    void deletingAnEndedBatchRemovesItAndItsItemsAndLeavesOtherBatchesAlone() {
        batches.create(batch("batch_done", "user_alice", T0, BatchStatus.COMPLETED), List.of(item("batch_done", 0, T0), item("batch_done", 1, T0)));
        batches.create(batch("batch_other", "user_alice", T0, BatchStatus.COMPLETED), List.of(item("batch_other", 0, T0)));

        assertThat(batches.deleteEnded("batch_done")).isTrue();

        assertThat(batches.find("batch_done")).isEmpty();
        assertThat(batches.items("batch_done")).isEmpty();
        assertThat(jobs.find(itemId("batch_done", 0))).isEmpty();
        assertThat(batches.find("batch_other")).isPresent();
        assertThat(batches.items("batch_other")).hasSize(1);
        assertThat(batches.deleteEnded("batch_done")).isFalse();
        assertThat(batches.deleteEnded("batch_missing")).isFalse();
    }

    @Test
    void anActiveBatchIsNotDeleted() {
        for (BatchStatus active : List.of(BatchStatus.VALIDATING, BatchStatus.IN_PROGRESS, BatchStatus.FINALIZING, BatchStatus.CANCELLING)) {
            String id = "batch_" + active.stored();
            batches.create(batch(id, "user_alice", T0, active), List.of(item(id, 0, T0)));

            assertThat(batches.deleteEnded(id)).as(id).isFalse();

            assertThat(batches.find(id)).as(id).isPresent();
            assertThat(batches.items(id)).as(id).hasSize(1);
        }
    }

    // ---- transition

    @Test
    void transitionFromAnAllowedStatusSetsThatStatusAndItsTime() {
        for (BatchStatus to : List.of(BatchStatus.IN_PROGRESS, BatchStatus.FINALIZING, BatchStatus.CANCELLING,
                BatchStatus.COMPLETED, BatchStatus.FAILED, BatchStatus.CANCELLED, BatchStatus.EXPIRED)) {
            String id = "batch_to_" + to.stored();
            batches.create(batch(id, "user_alice", T0, BatchStatus.VALIDATING), List.of());

            assertThat(batches.transition(id, RUNNING, to, T0 + 500, null, null, null, null)).as(id).isTrue();

            Batch moved = batches.find(id).orElseThrow();
            assertThat(moved.status()).as(id).isEqualTo(to);
            assertThat(moved.updatedAt()).as(id).isEqualTo(T0 + 500);
            assertThat(timeOf(moved, to)).as(id).isEqualTo(T0 + 500);
            for (BatchStatus other : BatchStatus.values()) {
                if (other != to && other != BatchStatus.VALIDATING) assertThat(timeOf(moved, other)).as(id + " " + other).isNull();
            }
        }
    }

    @Test
    void transitionFromAnotherStatusIsRefusedAndChangesNothing() {
        Batch done = batch("batch_1", "user_alice", T0, BatchStatus.COMPLETED);
        batches.create(done, List.of());

        assertThat(batches.transition("batch_1", RUNNING, BatchStatus.CANCELLING, T0 + 5, 1L, 2L, "f_out", "f_err")).isFalse();
        assertThat(batches.transition("batch_missing", RUNNING, BatchStatus.CANCELLING, T0 + 5, null, null, null, null)).isFalse();

        assertThat(batches.find("batch_1")).contains(done);
    }

    @Test
    void finalTransitionRecordsDurationsAndFilesAndAwaitsTheCallback() {
        batches.create(withCallbackUrl(batch("batch_hooked", "user_alice", T0)), List.of());
        batches.create(batch("batch_silent", "user_alice", T0), List.of());

        batches.transition("batch_hooked", RUNNING, BatchStatus.FINALIZING, T0 + 1, null, null, null, null);
        assertThat(batches.find("batch_hooked").orElseThrow().callbackStatus()).isEqualTo(Job.CallbackStatus.NONE);
        assertThat(batches.transition("batch_hooked", List.of(BatchStatus.FINALIZING), BatchStatus.COMPLETED, T0 + 2,
                81L, 9_000L, "file_out", "file_err")).isTrue();
        batches.transition("batch_silent", RUNNING, BatchStatus.FAILED, T0 + 2, 5L, 6L, null, null);

        Batch hooked = batches.find("batch_hooked").orElseThrow();
        assertThat(hooked.ttftNs()).isEqualTo(81L);
        assertThat(hooked.totalDurationNs()).isEqualTo(9_000L);
        assertThat(hooked.outputFileId()).isEqualTo("file_out");
        assertThat(hooked.errorFileId()).isEqualTo("file_err");
        assertThat(hooked.finalizingAt()).isEqualTo(T0 + 1);
        assertThat(hooked.completedAt()).isEqualTo(T0 + 2);
        assertThat(hooked.callbackStatus().state()).isEqualTo("pending");
        Batch silent = batches.find("batch_silent").orElseThrow();
        assertThat(silent.callbackStatus()).isEqualTo(Job.CallbackStatus.NONE);
        assertThat(silent.ttftNs()).isEqualTo(5L);
        assertThat(silent.outputFileId()).isNull();
    }

    @Test
    void transitionWithoutDurationsOrFilesKeepsTheStoredOnes() {
        batches.create(batch("batch_1", "user_alice", T0), List.of());
        batches.transition("batch_1", RUNNING, BatchStatus.FINALIZING, T0 + 1, 81L, 9_000L, "file_out", "file_err");

        batches.transition("batch_1", List.of(BatchStatus.FINALIZING), BatchStatus.EXPIRED, T0 + 2, null, null, null, null);

        Batch expired = batches.find("batch_1").orElseThrow();
        assertThat(expired.ttftNs()).isEqualTo(81L);
        assertThat(expired.totalDurationNs()).isEqualTo(9_000L);
        assertThat(expired.outputFileId()).isEqualTo("file_out");
        assertThat(expired.errorFileId()).isEqualTo("file_err");
        assertThat(expired.expiredAt()).isEqualTo(T0 + 2);
    }

    @Test
    void ofTwoRacingTransitionsExactlyOneWins() throws Exception {
        int races = 20;
        for (int i = 0; i < races; i++) batches.create(batch("batch_" + i, "user_alice", T0), List.of());

        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int i = 0; i < races; i++) {
                String id = "batch_" + i;
                CountDownLatch start = new CountDownLatch(1);
                Callable<Boolean> finalize = () -> {
                    start.await();
                    return batches.transition(id, List.of(BatchStatus.IN_PROGRESS), BatchStatus.FINALIZING, T0 + 1, null, null, null, null);
                };
                Callable<Boolean> cancel = () -> {
                    start.await();
                    return batches.transition(id, List.of(BatchStatus.IN_PROGRESS), BatchStatus.CANCELLING, T0 + 2, null, null, null, null);
                };
                Future<Boolean> finalized = pool.submit(finalize);
                Future<Boolean> cancelled = pool.submit(cancel);
                start.countDown();

                boolean finalizeWon = finalized.get();
                assertThat(finalizeWon).as(id).isNotEqualTo(cancelled.get());
                Batch b = batches.find(id).orElseThrow();
                assertThat(b.status()).as(id).isEqualTo(finalizeWon ? BatchStatus.FINALIZING : BatchStatus.CANCELLING);
                assertThat(finalizeWon ? b.cancellingAt() : b.finalizingAt()).as(id).isNull();
            }
        }
    }

    // ---- cancelPendingItems

    @Test
    void cancellingPendingItemsLeavesStartedAndEndedItemsAndOtherBatchesAlone() {
        batches.create(batch("batch_1", "user_alice", T0), List.of(item("batch_1", 0, T0), item("batch_1", 1, T0),
                item("batch_1", 2, T0 + 1), item("batch_1", 3, T0 + 1)));
        batches.create(batch("batch_other", "user_alice", T0), List.of(item("batch_other", 0, T0 + 5)));
        jobs.claim("owner_a", T0, T0 + LEASE, 2);
        jobs.complete(itemId("batch_1", 0), "owner_a", answer(1, 1, 1L), T0 + 1);
        Job running = jobs.find(itemId("batch_1", 1)).orElseThrow();
        Job done = jobs.find(itemId("batch_1", 0)).orElseThrow();

        assertThat(batches.cancelPendingItems("batch_1", "The batch was cancelled.", T0 + 3)).isEqualTo(2);

        for (int i : new int[]{2, 3}) {
            Job cancelled = jobs.find(itemId("batch_1", i)).orElseThrow();
            assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
            assertThat(cancelled.outcome()).isEqualTo(Job.Outcome.failure("The batch was cancelled.", "batch_cancelled", 499));
            assertThat(cancelled.completedAt()).isEqualTo(T0 + 3);
            assertThat(cancelled.updatedAt()).isEqualTo(T0 + 3);
        }
        assertThat(jobs.find(itemId("batch_1", 1))).contains(running);
        assertThat(jobs.find(itemId("batch_1", 0))).contains(done);
        assertThat(jobs.find(itemId("batch_other", 0)).orElseThrow().status()).isEqualTo(JobStatus.PENDING);
        assertThat(jobs.claim("owner_b", T0 + 10, T0 + LEASE, 10)).extracting(Job::id).containsExactly(itemId("batch_other", 0));
        assertThat(batches.cancelPendingItems("batch_1", "again", T0 + 4)).isZero();
    }

    @Test
    void onlyABatchFinalizingSinceBeforeTheCutoffIsRetakenAndRetakingRestampsIt() {
        batches.create(batch("batch_1", "user_alice", T0), List.of());
        assertThat(batches.retakeFinalizing("batch_1", T0 + 1_000, T0 + 1_000)).as("in progress").isFalse();
        batches.transition("batch_1", RUNNING, BatchStatus.FINALIZING, T0, null, null, null, null);

        assertThat(batches.retakeFinalizing("batch_1", T0, T0 + 10)).as("not stale").isFalse();
        assertThat(batches.retakeFinalizing("batch_1", T0 + 1, T0 + 10)).isTrue();
        assertThat(batches.find("batch_1").orElseThrow().finalizingAt()).isEqualTo(T0 + 10);
        assertThat(batches.find("batch_1").orElseThrow().status()).isEqualTo(BatchStatus.FINALIZING);
        assertThat(batches.retakeFinalizing("batch_1", T0 + 1, T0 + 20)).as("already retaken").isFalse();
        assertThat(batches.retakeFinalizing("batch_missing", Long.MAX_VALUE, T0 + 20)).isFalse();

        batches.transition("batch_1", List.of(BatchStatus.FINALIZING), BatchStatus.COMPLETED, T0 + 30, null, null, null, null);
        assertThat(batches.retakeFinalizing("batch_1", Long.MAX_VALUE, T0 + 40)).as("ended").isFalse();
    }

    // ---- active batches and callbacks

    @Test
    void activeBatchIdsAreTheUnfinishedBatchesOldestFirst() {
        batches.create(batch("b_cancelling", "user_alice", T0 + 4, BatchStatus.CANCELLING), List.of());
        batches.create(batch("b_validating", "user_alice", T0 + 1, BatchStatus.VALIDATING), List.of());
        batches.create(batch("b_done", "user_alice", T0, BatchStatus.COMPLETED), List.of());
        batches.create(batch("b_finalizing", "user_bob", T0 + 3, BatchStatus.FINALIZING), List.of());
        batches.create(batch("b_running", "user_alice", T0 + 2, BatchStatus.IN_PROGRESS), List.of());
        for (BatchStatus ended : List.of(BatchStatus.FAILED, BatchStatus.CANCELLED, BatchStatus.EXPIRED)) {
            batches.create(batch("b_" + ended.stored(), "user_alice", T0, ended), List.of());
        }

        assertThat(batches.activeBatchIds(10)).containsExactly("b_validating", "b_running", "b_finalizing", "b_cancelling");
        assertThat(batches.activeBatchIds(2)).containsExactly("b_validating", "b_running");
    }

    @Test
    void recordedCallbackIsKept() {
        batches.create(withCallbackUrl(batch("batch_1", "user_alice", T0)), List.of());
        batches.transition("batch_1", RUNNING, BatchStatus.COMPLETED, T0 + 1, null, null, null, null);
        Job.CallbackStatus delivered = new Job.CallbackStatus("delivered", 2, 200, null, T0 + 9);

        batches.recordCallback("batch_1", delivered, T0 + 9);
        batches.recordCallback("batch_missing", delivered, T0 + 9);

        Batch b = batches.find("batch_1").orElseThrow();
        assertThat(b.callbackStatus()).isEqualTo(delivered);
        assertThat(b.updatedAt()).isEqualTo(T0 + 9);
        assertThat(b.status()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(b.completedAt()).isEqualTo(T0 + 1);
    }

    // ---- helpers

    /** Alice's letta batches b_1 .. b_4 (b_3a and b_3b created in the same millisecond), and others' that must not show. */
    private void createListFixture() {
        batches.create(batch("b_3b", "user_alice", T0 + 3), List.of());
        batches.create(batch("b_1", "user_alice", T0 + 1), List.of());
        batches.create(batch("b_4", "user_alice", T0 + 4), List.of());
        batches.create(batch("b_3a", "user_alice", T0 + 3), List.of());
        batches.create(batch("b_2", "user_alice", T0 + 2), List.of());
        batches.create(batch("b_bob", "user_bob", T0 + 2), List.of());
        Batch openai = batch("b_openai", "user_alice", T0 + 2);
        batches.create(new Batch(openai.id(), openai.userId(), "openai", openai.status(), null, "/v1/chat/completions", "file_1",
                null, null, "24h", null, null, null, Job.CallbackStatus.NONE, 0, null, null, openai.createdAt(),
                openai.updatedAt(), openai.inProgressAt(), null, null, null, null, null, openai.expiresAt(), null), List.of());
    }

    private static List<String> ids(List<Batch> list) {
        return list.stream().map(Batch::id).toList();
    }

    private static Batch batch(String id, String userId, long createdAt) {
        return batch(id, userId, createdAt, BatchStatus.IN_PROGRESS);
    }

    private static Batch batch(String id, String userId, long createdAt, BatchStatus status) {
        return new Batch(id, userId, LETTA, status, "agent-" + id, null, null, null, null, null, null, null, null,
                Job.CallbackStatus.NONE, 0, null, null, createdAt, createdAt,
                status == BatchStatus.VALIDATING ? null : createdAt, null, null, null, null, null,
                createdAt + 86_400_000L, null);
    }

    private static Batch withCallbackUrl(Batch b) {
        return new Batch(b.id(), b.userId(), b.api(), b.status(), b.agentId(), b.endpoint(), b.inputFileId(), b.outputFileId(),
                b.errorFileId(), b.completionWindow(), b.metadata(), b.errors(), "https://hooks.example/batch", b.callbackStatus(),
                b.total(), b.ttftNs(), b.totalDurationNs(), b.createdAt(), b.updatedAt(), b.inProgressAt(), b.finalizingAt(),
                b.completedAt(), b.failedAt(), b.cancellingAt(), b.cancelledAt(), b.expiresAt(), b.expiredAt());
    }

    private static String itemId(String batchId, int index) {
        return batchId + ":" + "%06d".formatted(index);
    }

    private static Job item(String batchId, int index, long createdAt) {
        return Job.newJob(itemId(batchId, index), "user_alice", "batch_item", batchId, "agent-" + index, "gpt-4o-mini",
                "{\"messages\":[]}", null, null, null, null, createdAt);
    }

    private static Job withId(Job j, String id) {
        return new Job(id, j.userId(), j.kind(), j.batchId(), j.customId(), j.status(), j.model(), j.request(), j.outputSchema(),
                j.cacheTtlSeconds(), j.idempotencyKey(), j.callback(), j.attempts(), j.leaseOwner(), j.leaseExpiresAt(),
                j.runAfter(), j.outcome(), j.callbackStatus(), j.createdAt(), j.updatedAt(), j.completedAt());
    }

    private static Job.Outcome answer(int promptTokens, int completionTokens, Long ttftNs) {
        return new Job.Outcome("gpt-4o-mini", "{}", "{}", null, null, null, promptTokens, completionTokens, 10, false, ttftNs, 1L);
    }

    private static Long timeOf(Batch b, BatchStatus s) {
        return switch (s) {
            case VALIDATING -> b.createdAt();
            case IN_PROGRESS -> b.inProgressAt();
            case FINALIZING -> b.finalizingAt();
            case COMPLETED -> b.completedAt();
            case FAILED -> b.failedAt();
            case CANCELLING -> b.cancellingAt();
            case CANCELLED -> b.cancelledAt();
            case EXPIRED -> b.expiredAt();
        };
    }
}
