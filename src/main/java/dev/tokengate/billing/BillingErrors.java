package dev.tokengate.billing;

import dev.tokengate.core.ApiException;
import dev.tokengate.core.ErrorKind;

/** The errors of this package, in the one exception type the HTTP layer maps. */
final class BillingErrors {
    private BillingErrors() {}

    static ApiException insufficient(long neededMicros, Long availableMicros) {
        String have = availableMicros == null ? "" : " Your available balance is $" + Money.usd(Math.max(0, availableMicros)) + ".";
        return new ApiException(ErrorKind.INSUFFICIENT_BALANCE, "Your balance does not cover this request: its worst-case cost "
                + "(prompt tokens plus the maximum output tokens) is $" + Money.usd(neededMicros) + "." + have
                + " Top up your balance, or lower max_tokens.", null, "insufficient_balance");
    }

    static ApiException ledgerBacklog() {
        return new ApiException(ErrorKind.UNAVAILABLE, "The usage ledger cannot be written at the moment, so no new paid "
                + "requests are accepted; try again shortly.", null, "ledger_unavailable", 1, null);
    }

    static ApiException wouldGoNegative(long deltaMicros) {
        return new ApiException(ErrorKind.CONFLICT, "An adjustment of $" + Money.usd(deltaMicros) + " would take the balance "
                + "below what it holds for requests in flight (or below zero).", "delta", "balance_would_go_negative");
    }
}
