package dev.tokengate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void idsMadeInOneMillisecondSortInTheOrderTheyWereMade() {
        long now = 1_765_000_000_000L;
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) made.add(Ids.next("usage_", now));
        assertThat(made).isSorted().doesNotHaveDuplicates();
        assertThat(Ids.next("usage_", now + 1)).isGreaterThan(made.get(made.size() - 1));
    }

    @Test
    void anIdIsThePrefixTheTimeAndTwentyFourBase32Digits() {
        String id = Ids.next("usage_", 1_765_000_000_000L);
        assertThat(id).startsWith("usage_" + Long.toString(1_765_000_000_000L, 36)).matches("usage_[0-9a-z]+[0-9a-v]{24}");
        assertThat(id).hasSize("usage_".length() + Long.toString(1_765_000_000_000L, 36).length() + 24);
    }
}
