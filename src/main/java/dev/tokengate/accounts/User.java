package dev.tokengate.accounts;

import java.time.Instant;

public record User(String id, String name, String tier, Instant createdAt) {}
