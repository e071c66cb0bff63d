package dev.tokengate.jobs;

import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls a value until it satisfies a condition; fails after 15 seconds. */
final class Poll {
    private static final long LIMIT_MS = 15_000;
    private static final long PAUSE_MS = 20;

    private Poll() {}

    static <T> T until(Supplier<T> read, Predicate<T> done, String what) {
        long deadline = System.nanoTime() + LIMIT_MS * 1_000_000;
        T last = read.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) throw new AssertionError("gave up waiting for " + what + "; last seen: " + last);
            try {
                Thread.sleep(PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
            last = read.get();
        }
        return last;
    }
}
