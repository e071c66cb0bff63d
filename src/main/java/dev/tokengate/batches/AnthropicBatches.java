package dev.tokengate.batches;

import dev.tokengate.accounts.User;
import dev.tokengate.core.ApiException;
import dev.tokengate.jobs.Job;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Anthropic's Message Batches API on the batch engine (api "anthropic", ids "msgbatch_..."). Items are validated and
 * turned into chat completion bodies by {@code wire.batches.AnthropicBatchDecoder}; they run like every batch item.
 * There is no finisher: results are rendered from the items when asked for. Users see only their own batches.
 */
public final class AnthropicBatches {
    public static final String API = "anthropic";
    private static final String PARAM_PREFIX = "requests.%d.params.";

    /** A batch with its item counts, as every answer shows it. */
    public record Counted(Batch batch, BatchCounts counts) {}

    /** One page of a listing, newest first; {@code hasMore} says whether more follow in the direction asked for. */
    public record Page(List<Counted> batches, boolean hasMore) {}

    private final BatchService batches;
    private final BatchFactory factory;

    public AnthropicBatches(BatchService batches, BatchFactory factory) {
        this.batches = batches;
        this.factory = factory;
    }

    public int maxRequests() {
        return factory.config().maxRequests();
    }

    /** @param specs one per request, in order; {@code label} is the custom_id */
    public Future<Counted> create(User user, List<BatchFactory.ItemSpec> specs) {
        BatchFactory.Planned planned;
        try {
            planned = factory.plan(user, API, "msgbatch_", specs, null, null, "/v1/messages", null, "24h", null, PARAM_PREFIX);
        } catch (ApiException e) {
            // Anthropic's messages start with the field's path
            throw new ApiException(e.kind(), e.param() == null ? e.getMessage() : e.param() + ": " + e.getMessage(), e.param(), e.code());
        }
        return batches.create(planned.batch(), planned.items()).compose(this::counted);
    }

    public Future<Counted> get(User user, String id) {
        return batches.get(user.id(), API, id).compose(this::counted);
    }

    public Future<Counted> cancel(User user, String id) {
        return batches.cancel(user.id(), API, id).compose(this::counted);
    }

    public Future<Void> delete(User user, String id) {
        return batches.delete(user.id(), API, id);
    }

    /** The batch and its items, once it has ended; before that a 400, as Anthropic answers. */
    public Future<Results> results(User user, String id) {
        return batches.get(user.id(), API, id).compose(b -> {
            if (!AnthropicBatchViews.processingStatus(b).equals("ended")) {
                return Future.failedFuture(ApiException.invalid(null, "Message Batch '" + id
                        + "' has not ended yet; its results are available once processing_status is 'ended'."));
            }
            return batches.items(b.id()).map(items -> new Results(b, items));
        });
    }

    public record Results(Batch batch, List<Job> items) {}

    /**
     * Newest first. {@code afterId}: the page that follows that batch (older ones); {@code beforeId} alone: the page
     * just before it (the newer ones closest to it), read oldest first and turned around.
     */
    public Future<Page> list(User user, String afterId, String beforeId, int limit) {
        boolean backwards = beforeId != null && afterId == null;
        Future<List<Batch>> found = backwards
                ? batches.list(user.id(), API, beforeId, null, limit + 1, true)
                : batches.list(user.id(), API, afterId, beforeId, limit + 1, false);
        return found.compose(list -> {
            List<Batch> page = new ArrayList<>(list.subList(0, Math.min(limit, list.size())));
            if (backwards) Collections.reverse(page);
            List<Future<Counted>> counted = page.stream().map(this::counted).toList();
            return Future.all(counted).map(all -> new Page(counted.stream().map(Future::result).toList(), list.size() > limit));
        });
    }

    private Future<Counted> counted(Batch b) {
        return batches.counts(b.id()).map(c -> new Counted(b, c));
    }
}
