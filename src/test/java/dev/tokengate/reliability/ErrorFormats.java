package dev.tokengate.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.http.ApiFamily;

/** The error body each API family promises: OpenAI's shape on /v1 and /admin, seed 000's envelope on /api/v1. */
final class ErrorFormats {
    private ErrorFormats() {}

    /** Null when the body is the family's error format, otherwise what is wrong with it. */
    static String problem(ApiFamily family, RawHttp.Response r) {
        String type = r.headers().getOrDefault("content-type", "");
        if (!type.startsWith("application/json")) return "Content-Type is '" + type + "', not application/json";
        JsonNode body = r.json();
        if (body == null) return "the body is not JSON";
        return switch (family) {
            case OPENAI, ADMIN -> {
                JsonNode e = body.path("error");
                boolean ok = body.size() == 1 && e.isObject() && e.path("message").isTextual() && !e.path("message").asText().isBlank()
                        && e.path("type").isTextual() && e.has("param") && (e.get("param").isTextual() || e.get("param").isNull())
                        && e.has("code") && (e.get("code").isTextual() || e.get("code").isNull());
                yield ok ? null : "not OpenAI's {\"error\":{message,type,param,code}}";
            }
            case JOBS -> {
                boolean ok = body.path("success").isBoolean() && !body.get("success").asBoolean()
                        && body.path("message").isTextual() && !body.get("message").asText().isBlank();
                yield ok ? null : "not the job API's {\"success\":false,\"message\":...}";
            }
        };
    }
}
