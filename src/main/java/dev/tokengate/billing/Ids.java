package dev.tokengate.billing;

import java.util.concurrent.ThreadLocalRandom;

/** Ids for ledger rows: not secrets, so a fast random source is enough; the time prefix keeps them roughly ordered. */
public final class Ids {
    private static final char[] DIGITS = "0123456789abcdefghijklmnopqrstuv".toCharArray();
    private static final int RANDOM_DIGITS = 24;

    /** The time part of the last millisecond asked for, reused by every id made within it. */
    private record Millis(long millis, String base36) {}

    private static volatile Millis last = new Millis(Long.MIN_VALUE, "");

    private Ids() {}

    /** {@code prefix}, the time in base 36, then 120 random bits as 24 base-32 digits (shifts, not divisions). */
    public static String next(String prefix, long nowMillis) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Millis m = last;
        if (m.millis() != nowMillis) {
            m = new Millis(nowMillis, Long.toString(nowMillis, 36));
            last = m;
        }
        String time = m.base36();
        StringBuilder sb = new StringBuilder(prefix.length() + time.length() + RANDOM_DIGITS).append(prefix).append(time);
        for (int half = 0; half < 2; half++) {
            long bits = r.nextLong();
            for (int i = 0; i < RANDOM_DIGITS / 2; i++, bits >>>= 5) sb.append(DIGITS[(int) (bits & 31)]);
        }
        return sb.toString();
    }
}
