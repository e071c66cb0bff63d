package dev.tokengate.reliability;

import dev.tokengate.http.ApiFamily;
import java.util.Set;

/**
 * One route of the gateway as the fuzzer sees it: a concrete path (ids of real resources filled in), the key that may
 * use it, and a valid example body for routes that take one.
 *
 * @param template   the path as mounted, for reports and for telling which methods the path has
 * @param idSegments indexes of the path segments that are resource ids, replaced by garbage in path attacks
 * @param query      a valid query string (without '?') for routes that page, or null
 */
record Route(ApiFamily family, String method, String template, String path, String key, String validBody,
             Set<Integer> idSegments, String query) {

    boolean hasBody() {
        return validBody != null;
    }

    boolean authenticated() {
        return path.startsWith("/v1/") && !path.startsWith("/v1/images/content/") || path.startsWith("/api/") || path.startsWith("/admin/");
    }

    String target() {
        return query == null ? path : path + "?" + query;
    }

    @Override
    public String toString() {
        return method + " " + template;
    }
}
