package dev.tokengate.core;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Prices in micro-dollars per one million tokens (so $2.50 per 1M is 2_500_000), and per generated image for image
 * models. Costs are computed in integer micro-dollars, rounding up, never in floating point.
 */
public record Price(long inputMicrosPerM, long cachedInputMicrosPerM, long outputMicrosPerM, long perImageMicros) {
    public static final Price FREE = new Price(0, 0, 0, 0);

    public Price(long inputMicrosPerM, long cachedInputMicrosPerM, long outputMicrosPerM) {
        this(inputMicrosPerM, cachedInputMicrosPerM, outputMicrosPerM, 0);
    }

    /** Cost of {@code images} generated images in micro-dollars. */
    public long imagesMicros(int images) {
        return Math.multiplyExact(perImageMicros, (long) images);
    }

    public static long dollarsToMicros(BigDecimal dollars) {
        return dollars.movePointRight(6).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Cost of a usage in micro-dollars, rounded up to a whole micro-dollar. */
    public long costMicros(Usage usage) {
        long uncached = Math.max(0, usage.promptTokens() - usage.cachedPromptTokens());
        long numerator = uncached * inputMicrosPerM + (long) usage.cachedPromptTokens() * cachedInputMicrosPerM
                + (long) usage.completionTokens() * outputMicrosPerM;
        return (numerator + 999_999) / 1_000_000;
    }
}
