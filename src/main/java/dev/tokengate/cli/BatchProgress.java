package dev.tokengate.cli;

import java.io.PrintWriter;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar of a batch's finished requests, drawn on standard error so results can be piped from standard out. */
final class BatchProgress implements AutoCloseable {
    private static final int WIDTH = 100;
    private final ProgressBar bar;
    private final PrintWriter err;
    private final boolean terminal;

    BatchProgress(PrintWriter err, long total, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
        // a carriage return redraws the bar in place on a terminal; elsewhere (a log, a test) each state is one line
        String lineStart = terminal ? "\r" : "";
        String lineEnd = terminal ? "" : System.lineSeparator();
        this.bar = new ProgressBarBuilder()
                .setTaskName("batch")
                .setInitialMax(total)
                .setStyle(terminal ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(terminal ? 200 : 60_000)
                .setConsumer(new DelegatingProgressBarConsumer(text -> {
                    synchronized (err) {
                        err.print(lineStart + text + lineEnd);
                        err.flush();
                    }
                }, WIDTH))
                .build();
    }

    /** @param done requests that finished (completed, failed or cancelled) */
    void update(long total, long done, String status) {
        bar.maxHint(total);
        bar.stepTo(done);
        bar.setExtraMessage(status);
        // off a terminal nothing redraws on a timer: one line each time more requests have finished
        if (!terminal) bar.refresh();
    }

    @Override
    public void close() {
        bar.close();
        if (terminal) {
            err.println();
            err.flush();
        }
    }
}
