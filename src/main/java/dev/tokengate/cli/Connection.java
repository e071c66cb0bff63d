package dev.tokengate.cli;

import dev.tokengate.app.Gateway;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Resolves the gateway URL and the key: the option, then the environment, then the defaults. */
final class Connection {
    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    private Connection() {}

    static String url(ApiOptions given, ApiOptions global, Map<String, String> env) {
        String url = first(given.url, global.url, env.get("TOKENGATE_URL"), DEFAULT_URL).strip();
        while (url.endsWith("/")) url = url.substring(0, url.length() - 1);
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("--url: not a URL: " + url);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw CliFailure.usage("--url must be an http:// or https:// URL, got " + url);
        }
        return url;
    }

    /** The key to send; the admin key file of the data dir ($TOKENGATE_DATA_DIR, else ./data) is the last resort. */
    static String key(ApiOptions given, ApiOptions global, Map<String, String> env, Path workDir) {
        String key = first(given.key, global.key, env.get("TOKENGATE_API_KEY"));
        if (key != null && !key.isBlank()) return key.strip();
        String dataDir = env.getOrDefault("TOKENGATE_DATA_DIR", "data");
        Path file = workDir.resolve(dataDir).resolve(Gateway.ADMIN_KEY_FILE);
        if (Files.isReadable(file)) {
            try {
                String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!stored.isEmpty()) return stored;
            } catch (IOException e) {
                throw CliFailure.usage("cannot read " + file + ": " + e.getMessage());
            }
        }
        throw CliFailure.usage("no API key: pass --key KEY, set TOKENGATE_API_KEY, or run where " + dataDir + "/" + Gateway.ADMIN_KEY_FILE + " is readable.");
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) return v;
        }
        return null;
    }
}
