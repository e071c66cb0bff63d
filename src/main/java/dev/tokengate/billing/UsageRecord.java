package dev.tokengate.billing;

/**
 * One request that reached an upstream (or was meant to): what it used, what that costs at the deployment's price, and
 * what was actually taken from the balance ({@code chargedMicros}: zero for unlimited accounts, and never more than
 * the balance could cover).
 *
 * @param keyId  the API key, "admin" for the admin key, null for work without a key (jobs)
 * @param status the HTTP status the client saw; 499 when the client went away mid-stream
 */
public record UsageRecord(String id, String requestId, String userId, String keyId, String model, String deployment,
                          int promptTokens, int completionTokens, int cachedTokens, long costMicros, long chargedMicros,
                          long latencyMs, int status, boolean cacheHit, boolean stream, long createdAt) {

    public UsageRecord withCharged(long charged) {
        return new UsageRecord(id, requestId, userId, keyId, model, deployment, promptTokens, completionTokens, cachedTokens,
                costMicros, charged, latencyMs, status, cacheHit, stream, createdAt);
    }
}
