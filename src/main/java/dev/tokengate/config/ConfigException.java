package dev.tokengate.config;

/** A configuration problem; the message names the field and the bad value (secrets masked). */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
