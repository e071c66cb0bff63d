package dev.tokengate.jobs;

import java.util.function.Consumer;

/**
 * Tells other instances that a job ended (to wake callers waiting there) or that new work is queued. The in-process
 * version does nothing; PostgreSQL uses LISTEN/NOTIFY.
 */
public interface JobSignals extends AutoCloseable {
    void publishDone(String jobId);

    void publishQueued();

    void subscribe(Consumer<String> onDone, Runnable onQueued);

    @Override
    void close();

    JobSignals LOCAL = new JobSignals() {
        @Override
        public void publishDone(String jobId) {}

        @Override
        public void publishQueued() {}

        @Override
        public void subscribe(Consumer<String> onDone, Runnable onQueued) {}

        @Override
        public void close() {}
    };
}
