package dev.tokengate.batches;

/**
 * Where a batch's items stand, summed from its jobs.
 *
 * @param model the model every item names, or null when they name different ones (or there are none)
 */
public record BatchCounts(int total, int pending, int running, int completed, int failed, int cancelled,
                          long promptTokens, long completionTokens, Long minTtftNs, String model) {

    public BatchCounts(int total, int pending, int running, int completed, int failed, int cancelled, long promptTokens,
                       long completionTokens, Long minTtftNs) {
        this(total, pending, running, completed, failed, cancelled, promptTokens, completionTokens, minTtftNs, null);
    }

    public int active() { return pending + running; }
}
