package dev.tokengate.core;

/**
 * One upstream that serves a public model.
 *
 * @param apiKey the resolved secret, never printed ({@link #toString()} masks it)
 */
public record Deployment(String id, String publicModel, String providerType, String baseUrl, String upstreamModel,
                         String apiKey, int weight, Price price) {

    @Override
    public String toString() {
        return "Deployment[" + id + " " + providerType + " " + baseUrl + " " + upstreamModel + " apiKey="
                + (apiKey == null ? "none" : "<masked>") + "]";
    }
}
