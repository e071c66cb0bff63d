package dev.tokengate.billing;

import java.util.concurrent.ThreadLocalRandom;

/** Ids for ledger rows: not secrets, so a fast random source is enough; the time prefix keeps them roughly ordered. */
public final class Ids {
    private Ids() {}

    public static String next(String prefix, long nowMillis) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return prefix + Long.toString(nowMillis, 36) + Long.toString(r.nextLong() & Long.MAX_VALUE, 36)
                + Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
    }
}
