package dev.tokengate.accounts;

/** Who made a request. */
public sealed interface Principal {
    record Admin() implements Principal {}

    record Member(User user, ApiKey key) implements Principal {}
}
