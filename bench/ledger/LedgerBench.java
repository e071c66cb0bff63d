import dev.tokengate.billing.*;
import dev.tokengate.store.jdbc.*;
import java.lang.management.*;
import java.util.*;

/** LedgerBench FILE BATCH ROUNDS: settles ROUNDS batches of BATCH usage records twice (warm-up, then measured), printing the thread's CPU µs per row. */
public class LedgerBench {
    public static void main(String[] a) throws Exception {
        String file = a[0]; int batch = Integer.parseInt(a[1]); int rounds = Integer.parseInt(a[2]);
        Database db = Database.open("jdbc:sqlite:" + file, 4);
        try (var c = db.dataSource().getConnection(); var st = c.createStatement()) {
            st.execute("INSERT OR IGNORE INTO users (id, name, tier, created_at) VALUES ('user_Si6wGbhrIYAiQE9k', 'b', 't', 0)");
        }
        JdbcLedgerStore store = new JdbcLedgerStore(db);
        store.open("user_Si6wGbhrIYAiQE9k", 1_000_000_000_000_000L, false, 0);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long now = System.currentTimeMillis();
        // about 8 requests a millisecond, as at 8,000 req/s
        for (int pass = 0; pass < 2; pass++) {
            List<List<Settlement>> all = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                List<Settlement> b = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    now += (i % 8 == 0) ? 1 : 0;
                    // the values of bench/run.sh's requests (ids of the same shape and length)
                    UsageRecord u = new UsageRecord(Ids.next("usage_", now), "req_" + UUID.randomUUID().toString().replace("-", ""),
                            "user_Si6wGbhrIYAiQE9k", "key_iYLVsyVCTy48hDIK", "bench-model", "bench-model#0/openai", 12, 8, 0, 19, 0, 681, 200, false, false, now);
                    b.add(new Settlement("user_Si6wGbhrIYAiQE9k", null, 0, 19, u));
                }
                all.add(b);
            }
            System.gc();
            long cpu0 = mx.getCurrentThreadCpuTime(), wall0 = System.nanoTime();
            for (List<Settlement> b : all) store.settle(b);
            long cpu = mx.getCurrentThreadCpuTime() - cpu0, wall = System.nanoTime() - wall0;
            System.out.printf("pass %d batch %d rows %d: cpu %.2f us/row, wall %.2f us/row%n", pass, batch, batch * rounds, cpu / 1e3 / batch / rounds, wall / 1e3 / batch / rounds);
        }
        store.close(); db.close();
    }
}
