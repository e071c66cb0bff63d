package dev.tokengate.batches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokengate.callbacks.CallbackSender;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.jobs.Job;
import dev.tokengate.jobs.JobEngine;
import dev.tokengate.jobs.JobRunner;
import dev.tokengate.jobs.JobSignals;
import dev.tokengate.store.memory.MemoryAccountStore;
import dev.tokengate.store.memory.MemoryBatchStore;
import dev.tokengate.store.memory.MemoryJobStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A batch left in finalizing by a finalizer that died is finished by a later check, once, after it went stale. */
class StuckFinalizationTest {
    private static final long T0 = 1_700_000_000_000L;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aBatchStuckInFinalizingIsTakenOverOnceItIsStaleAndEndsWithItsFiles() {
        AtomicLong now = new AtomicLong(T0);
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());
        MemoryJobStore jobs = new MemoryJobStore();
        MemoryBatchStore store = new MemoryBatchStore(jobs);
        JobEngine engine = new JobEngine(vertx, jobs, new JobRunner(null, null), JobSignals.LOCAL, clock,
                id -> Future.failedFuture("no users here"), new GatewayConfig.Jobs(1, 60, 1, "gpt-auto"));
        BatchService service = new BatchService(vertx, store, engine, new MemoryAccountStore(),
                new CallbackSender(vertx, new GatewayConfig.Callbacks(false, 1000, 1, 60), clock), clock);
        AtomicInteger finished = new AtomicInteger();
        service.registerFinisher("openai", (batch, items) -> {
            finished.incrementAndGet();
            return new String[]{"file-output", null};
        });

        Batch batch = new Batch("batch_stuck", "u1", "openai", BatchStatus.IN_PROGRESS, null, "/v1/chat/completions", "file-in",
                null, null, "24h", null, null, null, Job.CallbackStatus.NONE, 0, null, null, T0, T0, T0, null, null, null, null,
                null, T0 + 86_400_000L, null);
        store.create(batch, List.of());
        assertThat(store.transition(batch.id(), List.of(BatchStatus.IN_PROGRESS), BatchStatus.FINALIZING, T0, null, null, null, null)).isTrue();
        assertThat(store.retakeFinalizing(batch.id(), T0, T0 + 1)).as("not stale yet").isFalse();

        now.set(T0 + BatchService.STALE_FINALIZING_MS + 1);
        service.start();
        try {
            Batch done = BatchTesting.await(() -> store.find(batch.id()).orElseThrow(), b -> !b.status().active());
            assertThat(done.status()).isEqualTo(BatchStatus.COMPLETED);
            assertThat(done.outputFileId()).isEqualTo("file-output");
            assertThat(finished.get()).isEqualTo(1);
            assertThat(store.retakeFinalizing(batch.id(), Long.MAX_VALUE, now.get())).as("only a finalizing batch is retaken").isFalse();
        } finally {
            service.stop();
        }
    }
}
