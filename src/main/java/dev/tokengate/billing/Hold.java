package dev.tokengate.billing;

/** Money set aside for one request in flight, until it is settled. Unlimited accounts hold nothing. */
public record Hold(String id, String userId, long micros, boolean unlimited) {}
