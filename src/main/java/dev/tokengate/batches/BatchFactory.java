package dev.tokengate.batches;

import dev.tokengate.accounts.User;
import dev.tokengate.config.GatewayConfig;
import dev.tokengate.core.ApiException;
import dev.tokengate.jobs.Job;
import dev.tokengate.pipeline.ModelCatalog;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Turns validated batch requests into a batch and its item jobs, applying the user's tier to every item. */
public final class BatchFactory {
    private final ModelCatalog catalog;
    private final Map<String, GatewayConfig.Tier> tiers;
    private final GatewayConfig.Batches config;
    private final InstantSource clock;

    public BatchFactory(ModelCatalog catalog, Map<String, GatewayConfig.Tier> tiers, GatewayConfig.Batches config, InstantSource clock) {
        this.catalog = catalog;
        this.tiers = tiers;
        this.config = config;
        this.clock = clock;
    }

    /** One request of a batch: its model, its chat completion body, and the label it keeps (custom_id or agent_id). */
    public record ItemSpec(String model, String chatBody, String label) {}

    public record Planned(Batch batch, List<Job> items) {}

    public GatewayConfig.Batches config() {
        return config;
    }

    /** @throws ApiException when the user's tier may not use {@code model}, or no such model exists */
    public void checkModel(User user, String model) {
        catalog.route(model, tier(user), user.tier());
    }

    /**
     * A batch whose input was rejected: stored with status failed, no items, and the input errors (a JSON array) to
     * show the client.
     */
    public Batch failed(User user, String api, String idPrefix, String endpoint, String inputFileId, String completionWindow,
                        String metadata, String errors) {
        long now = clock.millis();
        return new Batch(idPrefix + UUID.randomUUID(), user.id(), api, BatchStatus.FAILED, null, endpoint, inputFileId, null, null,
                completionWindow, metadata, errors, null, Job.CallbackStatus.NONE, 0, null, null, now, now, null, null, null,
                now, null, null, now + config.expiryHours() * 3_600_000L, null);
    }

    private GatewayConfig.Tier tier(User user) {
        GatewayConfig.Tier tier = tiers.get(user.tier());
        if (tier == null) throw ApiException.forbidden("Unknown tier '" + user.tier() + "'.");
        return tier;
    }

    /**
     * @param idPrefix "job-" (Letta), "batch_" (OpenAI) or "msgbatch_" (Anthropic)
     */
    public Planned plan(User user, String api, String idPrefix, List<ItemSpec> specs, String callbackUrl, String agentId,
                        String endpoint, String inputFileId, String completionWindow, String metadata, String paramPrefix) {
        GatewayConfig.Tier tier = tier(user);
        for (int i = 0; i < specs.size(); i++) {
            try {
                catalog.route(specs.get(i).model(), tier, user.tier());
            } catch (ApiException e) {
                throw new ApiException(e.kind(), e.getMessage(), String.format(paramPrefix, i) + "model", e.code());
            }
        }
        long now = clock.millis();
        String id = idPrefix + UUID.randomUUID();
        List<Job> items = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            ItemSpec s = specs.get(i);
            items.add(Job.newJob(itemId(id, i), user.id(), "batch_item", id, s.label(), s.model(), s.chatBody(), null, null,
                    null, null, now));
        }
        Batch batch = new Batch(id, user.id(), api, BatchStatus.IN_PROGRESS, agentId, endpoint, inputFileId, null, null,
                completionWindow, metadata, null, callbackUrl, Job.CallbackStatus.NONE, specs.size(), null, null, now, now, now,
                null, null, null, null, null, now + config.expiryHours() * 3_600_000L, null);
        return new Planned(batch, items);
    }

    /** Item ids sort in creation order within a batch. */
    static String itemId(String batchId, int index) {
        return batchId + ":" + String.format("%06d", index);
    }
}
