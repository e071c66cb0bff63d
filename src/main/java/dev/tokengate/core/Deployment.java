package dev.tokengate.core;

/**
 * One upstream that serves a public model.
 *
 * @param apiKey         the resolved secret, never printed ({@link #toString()} masks it)
 * @param maxConcurrency how many queued calls (jobs, batch items) one instance sends it at once; 0: no bound
 * @param http2          whether the upstream is called over HTTP/2 (many calls share a connection) instead of HTTP/1.1
 * @param maxTokensParam the name the upstream reads the output limit under (openai deployments); null: as the request has it
 */
public record Deployment(String id, String publicModel, String providerType, String baseUrl, String upstreamModel,
                         String apiKey, int weight, Price price, int maxConcurrency, boolean http2, TokenLimitParam maxTokensParam) {

    public boolean bounded() {
        return maxConcurrency > 0;
    }

    @Override
    public String toString() {
        return "Deployment[" + id + " " + providerType + " " + baseUrl + " " + upstreamModel + " apiKey="
                + (apiKey == null ? "none" : "<masked>") + (http2 ? " http2" : "") + "]";
    }
}
