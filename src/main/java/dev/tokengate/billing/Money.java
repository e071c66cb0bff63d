package dev.tokengate.billing;

import java.math.BigDecimal;

/** Micro-dollars to and from the decimal strings clients send and read. Never floating point. */
public final class Money {
    private Money() {}

    /** "12.5" to 12_500_000; more than six decimals is an error, not a rounding. */
    public static long parseUsd(String text) {
        BigDecimal d = new BigDecimal(text.strip());
        return d.movePointRight(6).longValueExact();
    }

    /** 12_500_000 to "12.500000". */
    public static String usd(long micros) {
        return BigDecimal.valueOf(micros, 6).toPlainString();
    }
}
