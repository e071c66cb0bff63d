package dev.tokengate.billing;

/**
 * A credit to or debit from a balance other than usage: the opening credit, a top-up or an adjustment. Usage charges
 * are the {@link UsageRecord}s; a balance always equals the sum of its entries minus what its usage records charged.
 */
public record LedgerEntry(String id, String userId, Kind kind, long amountMicros, long balanceAfterMicros, String reason,
                          long createdAt) {

    public enum Kind {
        OPENING_CREDIT, TOPUP, ADJUSTMENT;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Kind fromWire(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
