package dev.tokengate.cache;

import dev.tokengate.accounts.Secrets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Generated images served by URL for a limited time (60 minutes, like OpenAI's image URLs). The unguessable token in
 * the URL is the only credential; images live in this instance's memory, bounded in count.
 */
public final class ImageVault {
    public static final Duration TTL = Duration.ofMinutes(60);
    private static final int MAX_IMAGES = 2_000;

    private record Entry(byte[] png, long expiresAtMillis) {}

    private final Map<String, Entry> images = new ConcurrentHashMap<>();
    private final InstantSource clock;

    public ImageVault(InstantSource clock) {
        this.clock = clock;
    }

    /** Stores the PNG and returns its token. */
    public String put(byte[] png) {
        long now = clock.millis();
        if (images.size() >= MAX_IMAGES) images.values().removeIf(e -> e.expiresAtMillis() <= now);
        if (images.size() >= MAX_IMAGES) images.keySet().stream().findFirst().ifPresent(images::remove);
        String token = Secrets.randomToken(24);
        images.put(token, new Entry(png, now + TTL.toMillis()));
        return token;
    }

    /** The PNG, or null when unknown or expired. */
    public byte[] get(String token) {
        Entry e = images.get(token);
        if (e == null) return null;
        if (e.expiresAtMillis() <= clock.millis()) {
            images.remove(token, e);
            return null;
        }
        return e.png();
    }
}
