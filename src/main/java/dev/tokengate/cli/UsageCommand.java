package dev.tokengate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tokengate usage}: the caller's usage records from GET /v1/usage, with totals per model. */
@Command(name = "usage", mixinStandardHelpOptions = true, description = "Show the key's usage: requests, tokens and charges, per model.")
final class UsageCommand extends ApiCommand {
    @Option(names = "--from", paramLabel = "TIME", description = "Since this time (Unix seconds or ISO-8601).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", description = "Before this time (Unix seconds or ISO-8601).")
    String to;

    @Option(names = "--model", paramLabel = "MODEL", description = "Only this model.")
    String model;

    @Option(names = "--limit", paramLabel = "N", description = "At most this many records (the gateway's default otherwise).")
    Integer limit;

    @Option(names = "--json", description = "Print the answer as JSON.")
    boolean json;

    @Override
    void run() {
        JsonNode page;
        try {
            page = client().get("/v1/usage" + query());
        } catch (CliFailure f) {
            if (f.httpStatus() == 404 && "unknown_route".equals(f.apiCode())) {
                throw CliFailure.api("this gateway has no usage API (GET /v1/usage is not served); it needs a version that records usage.");
            }
            throw f;
        }
        if (json || !page.path("data").isArray()) {
            out().println(Output.pretty(page));
            return;
        }
        print(page);
    }

    private String query() {
        Map<String, String> q = new LinkedHashMap<>();
        if (from != null) q.put("from", from);
        if (to != null) q.put("to", to);
        if (model != null) q.put("model", model);
        if (limit != null) q.put("limit", String.valueOf(limit));
        if (q.isEmpty()) return "";
        StringBuilder sb = new StringBuilder();
        q.forEach((k, v) -> sb.append(sb.isEmpty() ? '?' : '&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return sb.toString();
    }

    private void print(JsonNode page) {
        List<List<String>> rows = new ArrayList<>();
        Map<String, long[]> totals = new TreeMap<>();
        for (JsonNode u : page.path("data")) {
            String m = Output.text(u.path("model"));
            rows.add(List.of(Output.time(u.path("created_at")), m, Output.text(u.path("prompt_tokens")), Output.text(u.path("completion_tokens")),
                    Output.text(u.path("charged_usd")), Output.text(u.path("status"))));
            long[] t = totals.computeIfAbsent(m, x -> new long[4]);
            t[0]++;
            t[1] += u.path("prompt_tokens").asLong();
            t[2] += u.path("completion_tokens").asLong();
            t[3] += u.path("charged_micros").asLong();
        }
        if (rows.isEmpty()) {
            out().println("No usage recorded" + (from == null && to == null ? "." : " in that period."));
            return;
        }
        Output.table(out(), List.of("TIME", "MODEL", "PROMPT", "COMPLETION", "CHARGED_USD", "STATUS"), rows);
        out().println();
        List<List<String>> sums = new ArrayList<>();
        totals.forEach((m, t) -> sums.add(List.of(m, String.valueOf(t[0]), String.valueOf(t[1]), String.valueOf(t[2]),
                java.math.BigDecimal.valueOf(t[3], 6).toPlainString())));
        Output.table(out(), List.of("MODEL", "REQUESTS", "PROMPT", "COMPLETION", "CHARGED_USD"), sums);
        if (page.path("has_more").asBoolean()) out().println("(more records: narrow with --from/--to or raise --limit)");
    }
}
