package dev.tokengate.logging;

/**
 * A log value the gateway made itself (a route template, a method name, one of its own ids), so it cannot hold a
 * secret and skips {@link Redactor}: the access log writes several per request. Anything a client or an upstream sent
 * must not be wrapped.
 */
public record Trusted(String text) {
    public static Trusted of(String text) {
        return text == null ? null : new Trusted(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
