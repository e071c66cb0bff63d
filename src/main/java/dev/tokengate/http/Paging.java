package dev.tokengate.http;

import dev.tokengate.core.ApiException;

/** The query parameters of OpenAI's cursor-paginated lists: {@code limit} and {@code order}. */
final class Paging {
    private Paging() {}

    static int limit(String text, int defaultLimit, int max) {
        if (text == null) return defaultLimit;
        int limit;
        try {
            limit = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw ApiException.invalid("limit", "'limit' must be an integer.", "invalid_type");
        }
        if (limit < 1 || limit > max) throw ApiException.invalid("limit", "'limit' must be between 1 and " + max + ".", "invalid_value");
        return limit;
    }

    /** Newest first unless {@code order=asc}. */
    static boolean ascending(String order) {
        if (order == null || order.equals("desc")) return false;
        if (order.equals("asc")) return true;
        throw ApiException.invalid("order", "'order' must be 'asc' or 'desc'.", "invalid_value");
    }
}
