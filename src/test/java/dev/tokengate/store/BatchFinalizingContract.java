package dev.tokengate.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.batches.Batch;
import dev.tokengate.batches.BatchStatus;
import dev.tokengate.batches.BatchStore;
import dev.tokengate.jobs.Job;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BatchStore.retakeFinalizing on every backend: only a batch finalizing since before the cutoff, and only once. */
abstract class BatchFinalizingContract {
    private static final long T0 = 1_700_000_000_000L;

    protected abstract BatchStore newStore();

    @Test
    void onlyAStaleFinalizingBatchIsRetakenAndRetakingRestampsIt() {
        BatchStore store = newStore();
        store.create(new Batch("batch_f", "u1", "openai", BatchStatus.IN_PROGRESS, null, "/v1/chat/completions", "file-in", null,
                null, "24h", null, null, null, Job.CallbackStatus.NONE, 0, null, null, T0, T0, T0, null, null, null, null, null,
                T0 + 86_400_000L, null), List.of());
        assertThat(store.retakeFinalizing("batch_f", T0 + 1_000, T0 + 1_000)).as("in progress").isFalse();
        store.transition("batch_f", List.of(BatchStatus.IN_PROGRESS), BatchStatus.FINALIZING, T0, null, null, null, null);

        assertThat(store.retakeFinalizing("batch_f", T0, T0 + 10)).as("not stale").isFalse();
        assertThat(store.retakeFinalizing("batch_f", T0 + 1, T0 + 10)).isTrue();
        assertThat(store.find("batch_f").orElseThrow().finalizingAt()).isEqualTo(T0 + 10);
        assertThat(store.retakeFinalizing("batch_f", T0 + 1, T0 + 20)).as("already retaken").isFalse();

        store.transition("batch_f", List.of(BatchStatus.FINALIZING), BatchStatus.COMPLETED, T0 + 30, null, null, null, null);
        assertThat(store.retakeFinalizing("batch_f", Long.MAX_VALUE, T0 + 40)).as("ended").isFalse();
    }
}
