package dev.tokengate.responses;

/**
 * A response kept for retrieval and for continuing its conversation.
 *
 * @param createdAt  unix seconds, as in the Response
 * @param response   the Response JSON as it was returned
 * @param inputItems the JSON array of items the model was given (the earlier turns and this request's input, not the
 *                   instructions); the conversation it ended is these items followed by the Response's output
 */
public record StoredResponse(String id, String userId, long createdAt, String response, String inputItems) {}
