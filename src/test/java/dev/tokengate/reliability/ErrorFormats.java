package dev.tokengate.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.http.ApiFamily;

/** The error body each API family promises: OpenAI's shape on /v1 and /admin, seed 000's envelope on /api/v1. */
final class ErrorFormats {
    private ErrorFormats() {}

    /**
     * Sends the case and checks the answer: complete, never a 5xx, a 4xx when the input is wrong, and every error in
     * the API family's format.
     */
    static int assertAnswer(int port, FuzzCase c) {
        RawHttp.Response r = RawHttp.exchange(port, c.request());
        assertThat(r.status()).as("%s answered %s", c, r).isLessThan(500);
        if (c.expect() == FuzzCase.Expect.REJECTED) assertThat(r.status()).as("%s answered %s", c, r).isBetween(400, 499);
        if (r.status() == 414) {
            // a request line too long to read has no path the server could tell the family from
            assertThat(problem(ApiFamily.OPENAI, r) == null || problem(ApiFamily.JOBS, r) == null).as("%s answered %s", c, r).isTrue();
        } else if (r.status() >= 400) {
            String path = c.request().target().split("\\?", 2)[0];
            assertThat(problem(ApiFamily.ofPath(path), r)).as("%s answered %s", c, r).isNull();
        }
        return r.status();
    }

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
            case ANTHROPIC -> {
                JsonNode e = body.path("error");
                boolean ok = "error".equals(body.path("type").asText()) && e.isObject() && e.path("type").isTextual()
                        && e.path("message").isTextual() && !e.path("message").asText().isBlank();
                yield ok ? null : "not Anthropic's {\"type\":\"error\",\"error\":{type,message}}";
            }
        };
    }
}
