package dev.tokengate.billing;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ids for ledger rows: not secrets, so a fast random source is enough. The time prefix keeps them ordered by
 * millisecond, and a sequence within the millisecond keeps the ids made in one millisecond in the order they were made,
 * so "newest first" (created_at, then id) lists two records of the same millisecond as they happened.
 */
public final class Ids {
    private static final char[] DIGITS = "0123456789abcdefghijklmnopqrstuv".toCharArray();
    private static final int SEQUENCE_DIGITS = 4;
    private static final int RANDOM_DIGITS = 20;

    /** The time part of the last millisecond asked for, reused by every id made within it, and its sequence. */
    private record Millis(long millis, String base36, AtomicInteger sequence) {}

    private static volatile Millis last = new Millis(Long.MIN_VALUE, "", new AtomicInteger());

    private Ids() {}

    /**
     * {@code prefix}, the time in base 36, a 20-bit sequence within the millisecond as 4 base-32 digits, then 100
     * random bits as 20 base-32 digits (shifts, not divisions). The digits sort as their values, so a later id of the
     * same millisecond sorts after an earlier one (two threads starting the same millisecond at once may each count
     * from 0; the random part still keeps the ids apart).
     */
    public static String next(String prefix, long nowMillis) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Millis m = last;
        if (m.millis() != nowMillis) {
            m = new Millis(nowMillis, Long.toString(nowMillis, 36), new AtomicInteger());
            last = m;
        }
        String time = m.base36();
        int sequence = m.sequence().getAndIncrement();
        StringBuilder sb = new StringBuilder(prefix.length() + time.length() + SEQUENCE_DIGITS + RANDOM_DIGITS)
                .append(prefix).append(time);
        for (int shift = 5 * (SEQUENCE_DIGITS - 1); shift >= 0; shift -= 5) sb.append(DIGITS[(sequence >>> shift) & 31]);
        for (int half = 0; half < 2; half++) {
            long bits = r.nextLong();
            for (int i = 0; i < RANDOM_DIGITS / 2; i++, bits >>>= 5) sb.append(DIGITS[(int) (bits & 31)]);
        }
        return sb.toString();
    }
}
