package dev.tokengate.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.accounts.User;
import dev.tokengate.core.ApiException;
import dev.tokengate.core.Json;
import dev.tokengate.wire.openai.ResponseIds;
import dev.tokengate.wire.openai.ResponsesRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Stored responses of the Responses API: continuing a conversation from {@code previous_response_id}, keeping a new
 * response when the request asked for it, and reading or deleting a user's responses. Storage runs off the event loop.
 */
public final class ResponseService {
    private final Vertx vertx;
    private final ResponseStore store;
    private final InstantSource clock;
    private final ResponseIds ids;

    public ResponseService(Vertx vertx, ResponseStore store, InstantSource clock, ResponseIds ids) {
        this.vertx = vertx;
        this.store = store;
        this.clock = clock;
        this.ids = ids;
    }

    public ResponseIds ids() { return ids; }

    /** Unix seconds now. */
    public long now() {
        return clock.instant().getEpochSecond();
    }

    /** The request with the conversation of its previous response in front; a 400 when this user has no such response. */
    public Future<ResponsesRequest> continued(User user, ResponsesRequest request) {
        String previous = request.settings().previousResponseId();
        if (previous == null) return Future.succeededFuture(request);
        return vertx.executeBlocking(() -> store.find(user.id(), previous), false).map(found -> {
            StoredResponse p = found.orElseThrow(() -> ApiException.invalid("previous_response_id",
                    "Previous response with id '" + previous + "' not found.", "previous_response_not_found"));
            List<ObjectNode> history = new ArrayList<>(objects(Json.parseOrNull(p.inputItems())));
            history.addAll(objects(Json.parseOrNull(p.response()).path("output")));
            return request.after(history);
        });
    }

    /** Keeps the response and the items it was given, unless the request said {@code store: false}. */
    public Future<Void> save(User user, ResponsesRequest request, ObjectNode response) {
        if (!request.settings().store()) return Future.succeededFuture();
        ArrayNode items = Json.array();
        request.inputItems().forEach(items::add);
        StoredResponse stored = new StoredResponse(response.path("id").asText(), user.id(), response.path("created_at").asLong(),
                Json.text(response), Json.text(items));
        return vertx.executeBlocking(() -> {
            store.save(stored);
            return null;
        }, false);
    }

    public Future<ObjectNode> retrieve(User user, String id) {
        return find(user, id).map(s -> (ObjectNode) Json.parseOrNull(s.response()));
    }

    /** The items the response was given, in conversation order. */
    public Future<List<ObjectNode>> inputItems(User user, String id) {
        return find(user, id).map(s -> objects(Json.parseOrNull(s.inputItems())));
    }

    public Future<Void> delete(User user, String id) {
        return vertx.executeBlocking(() -> store.delete(user.id(), id), false).map(deleted -> {
            if (!deleted) throw notFound(id);
            return null;
        });
    }

    private Future<StoredResponse> find(User user, String id) {
        return vertx.executeBlocking(() -> store.find(user.id(), id), false).map(found -> found.orElseThrow(() -> notFound(id)));
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("Response with id '" + id + "' not found.");
    }

    private static List<ObjectNode> objects(JsonNode array) {
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode n : array) out.add((ObjectNode) n);
        return out;
    }
}
