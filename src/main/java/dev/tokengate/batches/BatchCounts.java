package dev.tokengate.batches;

/** Where a batch's items stand, summed from its jobs. */
public record BatchCounts(int total, int pending, int running, int completed, int failed, int cancelled,
                          long promptTokens, long completionTokens, Long minTtftNs) {

    public int active() { return pending + running; }
}
