package dev.tokengate.ratelimit;

import dev.tokengate.config.GatewayConfig;

/**
 * The answer of a rate limiter, with what the {@code x-ratelimit-*} headers report. Counts are over the sliding minute
 * that ends now.
 *
 * @param permit          the permit when granted, else null
 * @param refusedBy       "requests", "tokens" or "concurrency" when refused, else null
 * @param resetRequestsMs until the request count is back to zero
 * @param retryAfterMs    when refused: until a retry can succeed (as far as this limit goes)
 */
public record Decision(Permit permit, String refusedBy, GatewayConfig.RateLimit limit, long usedRequests, long usedTokens,
                       long resetRequestsMs, long resetTokensMs, long retryAfterMs) {

    public boolean granted() {
        return permit != null;
    }

    /** The decision when the limiter could not be asked and the configuration says to let requests through. */
    public static Decision unchecked(String scope, GatewayConfig.RateLimit limit) {
        return new Decision(new Permit(scope, null, 0, 0), null, limit, 0, 0, 0, 0, 0);
    }

    public boolean checked() {
        return permit == null || permit.id() != null;
    }
}
