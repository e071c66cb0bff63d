package dev.tokengate.responses;

import java.util.Optional;

/** Storage port for stored Responses API responses. Every read is scoped to a user. Blocking: call it off the event loop. */
public interface ResponseStore {
    void save(StoredResponse response);

    /** The user's response with this id; empty when there is none or it belongs to someone else. */
    Optional<StoredResponse> find(String userId, String id);

    /** @return false when the user has no response with this id */
    boolean delete(String userId, String id);
}
