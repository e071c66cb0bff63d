package dev.tokengate.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecentRequestsTest {
    private static List<Long> ids(List<RecentRequests.Entry> entries) {
        return entries.stream().map(RecentRequests.Entry::id).toList();
    }

    private static void record(RecentRequests log, int times) {
        for (int i = 0; i < times; i++) log.record(1000L + i, "GET", "/v1/models", 200, null, 1_000_000, "user_a");
    }

    @Test
    void entriesComeNewestFirstWithIdsCountingFromOne() {
        RecentRequests log = new RecentRequests(10);
        record(log, 3);

        assertThat(ids(log.newestAfter(0, 10))).containsExactly(3L, 2L, 1L);
    }

    @Test
    void afterReturnsOnlyNewerEntries() {
        RecentRequests log = new RecentRequests(10);
        record(log, 5);

        assertThat(ids(log.newestAfter(3, 10))).containsExactly(5L, 4L);
        assertThat(log.newestAfter(5, 10)).isEmpty();
    }

    @Test
    void theRingKeepsOnlyTheLastCapacityEntries() {
        RecentRequests log = new RecentRequests(4);
        record(log, 10);

        assertThat(ids(log.newestAfter(0, 100))).containsExactly(10L, 9L, 8L, 7L);
    }

    @Test
    void limitKeepsTheNewest() {
        RecentRequests log = new RecentRequests(10);
        record(log, 6);

        assertThat(ids(log.newestAfter(0, 2))).containsExactly(6L, 5L);
    }

    @Test
    void anEntryKeepsWhatWasRecorded() {
        RecentRequests log = new RecentRequests(2);
        log.record(1234L, "POST", "/v1/chat/completions", 429, "gpt-4o", 5_000_000, null);

        RecentRequests.Entry e = log.newestAfter(0, 1).get(0);
        assertThat(e).isEqualTo(new RecentRequests.Entry(1, 1234L, "POST", "/v1/chat/completions", 429, "gpt-4o", 5_000_000, null));
    }
}
