package dev.tokengate.billing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the ledger off the hot path, in order, on one thread. Settlements that queued up while the previous batch was
 * being written go out together in one transaction, so the ledger adds up after every commit. A failed batch is retried
 * (the database may be restarting); settlements are never dropped, except one that keeps failing on its own (logged
 * with everything needed to replay it). Closing writes everything that was queued.
 */
final class LedgerWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerWriter.class);
    private static final int MAX_BATCH = 500;
    private static final int LINGER_UNTIL = 100;
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int ATTEMPTS_ALONE = 20;
    private static final int ATTEMPTS_OTHER = 3;

    private sealed interface Op permits Settle, Task {}

    /** @param charged told what the store charged, for a settlement that may be skipped ({@code once}); or null */
    private record Settle(Settlement settlement, LongConsumer charged) implements Op {}

    private record Task(Function<LedgerStore, ?> work, CompletableFuture<Object> done) implements Op {}

    private final LedgerStore store;
    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closing;
    private volatile boolean lingering;

    LedgerWriter(LedgerStore store) {
        this.store = store;
        this.thread = Thread.ofPlatform().daemon().name("tokengate-ledger-writer").start(this::run);
    }

    void settle(Settlement s) {
        settle(s, null);
    }

    /** Queues {@code s}; {@code charged}, when given, is told on the writer thread what the store charged. */
    void settle(Settlement s, LongConsumer charged) {
        Settle op = new Settle(s, charged);
        if (closing) {
            writeAlone(op);
            return;
        }
        queue.add(op);
    }

    /** Runs {@code work} on the writer after everything queued before it; the future completes with its result. */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> submit(Function<LedgerStore, T> work) {
        CompletableFuture<Object> done = new CompletableFuture<>();
        if (closing) done.completeExceptionally(new IllegalStateException("the ledger is closed"));
        else {
            queue.add(new Task(work, done));
            if (lingering) LockSupport.unpark(thread);
        }
        return (CompletableFuture<T>) done;
    }

    /** Completes when everything queued so far is written. */
    CompletableFuture<Void> flush() {
        return submit(s -> null).thenApply(x -> null);
    }

    /** How many writes are waiting: a large backlog means the database is not keeping up or is down. */
    int backlog() {
        return queue.size();
    }

    private void run() {
        List<Op> ops = new ArrayList<>();
        while (true) {
            try {
                Op first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) return;
                    continue;
                }
                ops.add(first);
                queue.drainTo(ops, MAX_BATCH - 1);
                lingerForMore(ops);
                process(ops);
                ops.clear();
            } catch (InterruptedException e) {
                if (!closing) LOG.warn("ledger writer interrupted");
                return;
            }
        }
    }

    /**
     * Group commit: a transaction costs about the same for one settlement as for a hundred, so a small batch waits a
     * moment for more. This delays only the write (the client has its answer), and widens what a crash can lose by
     * the same moment (ACCOUNTS.md).
     */
    private void lingerForMore(List<Op> ops) throws InterruptedException {
        if (ops.size() >= LINGER_UNTIL || closing) return;
        for (Op op : ops) if (op instanceof Task) return; // someone waits for it (a job's charge, a read): no delay
        // parked, not in a timed poll: a thread waiting in poll is woken (a system call) by every single settlement;
        // a submitted task unparks it early
        lingering = true;
        try {
            LockSupport.parkNanos(LINGER_NANOS);
        } finally {
            lingering = false;
        }
        if (Thread.interrupted()) throw new InterruptedException();
        queue.drainTo(ops, MAX_BATCH - ops.size());
    }

    /** Consecutive settlements form one batch; a task runs alone, after the settlements queued before it. */
    private void process(List<Op> ops) throws InterruptedException {
        List<Settle> batch = new ArrayList<>();
        for (Op op : ops) {
            switch (op) {
                case Settle s -> batch.add(s);
                case Task t -> {
                    writeBatch(batch);
                    batch.clear();
                    runTask(t);
                }
            }
        }
        writeBatch(batch);
    }

    private void writeBatch(List<Settle> batch) throws InterruptedException {
        if (batch.isEmpty()) return;
        try {
            List<Long> charged = store.settle(batch.stream().map(Settle::settlement).toList());
            for (int i = 0; i < batch.size(); i++) tell(batch.get(i), charged.get(i));
            return;
        } catch (RuntimeException e) {
            LOG.warn("writing {} usage records failed ({}); writing them one by one", batch.size(), e.getMessage());
        }
        for (Settle s : batch) writeWithRetries(s);
    }

    private static void tell(Settle s, long charged) {
        if (s.charged() != null) s.charged().accept(charged);
    }

    private void writeWithRetries(Settle op) throws InterruptedException {
        Settlement s = op.settlement();
        long backoff = 100;
        for (int attempt = 1; ; attempt++) {
            try {
                tell(op, store.settle(List.of(s)).get(0));
                return;
            } catch (RuntimeException e) {
                if (alreadyWritten(e)) {
                    LOG.warn("a settlement was already written (a retried commit): {}", s.usage().id());
                    return;
                }
                if (attempt >= ATTEMPTS_ALONE) {
                    LOG.error("dropping a settlement that failed {} times: {} ({})", attempt, s, e.getMessage());
                    return;
                }
                Thread.sleep(backoff);
                backoff = Math.min(5000, backoff * 2);
            }
        }
    }

    /** A key violation on retry means an earlier attempt committed after all: retrying again cannot help. */
    private static boolean alreadyWritten(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && state.startsWith("23")) return true;
                if (sql.getMessage() != null && sql.getMessage().contains("UNIQUE constraint failed")) return true;
            }
        }
        return false;
    }

    private void writeAlone(Settle op) {
        try {
            tell(op, store.settle(List.of(op.settlement())).get(0));
        } catch (RuntimeException e) {
            LOG.error("could not write a settlement after close: {} ({})", op.settlement(), e.getMessage());
        }
    }

    private void runTask(Task t) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                t.done().complete(t.work().apply(store));
                return;
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS_OTHER) {
                    t.done().completeExceptionally(e);
                    return;
                }
                Thread.sleep(100L * attempt);
            }
        }
    }

    /** Stops taking work and writes everything queued. */
    @Override
    public void close() {
        closing = true;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Op> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Op op : rest) {
            switch (op) {
                case Settle s -> writeAlone(s);
                case Task t -> t.done().completeExceptionally(new IllegalStateException("the ledger is closed"));
            }
        }
    }
}
