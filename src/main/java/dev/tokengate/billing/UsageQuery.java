package dev.tokengate.billing;

/**
 * A page of one user's usage, newest first.
 *
 * @param fromMs  inclusive lower bound on the time, or null
 * @param toMs    exclusive upper bound on the time, or null
 * @param model   only this public model, or null
 * @param afterId continue after the record with this id (the last of the previous page), or null
 */
public record UsageQuery(String userId, Long fromMs, Long toMs, String model, String afterId, int limit) {}
