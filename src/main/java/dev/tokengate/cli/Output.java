package dev.tokengate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tokengate.core.Json;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Printing helpers: pretty JSON, aligned tables, and Unix seconds as readable times. */
final class Output {
    private Output() {}

    static String pretty(JsonNode n) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An ISO-8601 time for a Unix-seconds field; the text as is for anything else; "-" when missing or null. */
    static String time(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) return "-";
        if (n.isIntegralNumber()) return Instant.ofEpochSecond(n.asLong()).toString();
        return n.asText();
    }

    static String text(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? "-" : n.asText();
    }

    /** Columns padded to their widest cell; the last column is not padded. */
    static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] width = new int[header.size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) width[i] = Math.max(width[i], row.get(i).length());
        }
        for (List<String> row : all) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) sb.append("  ");
                sb.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + width[i] + "s", row.get(i)));
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}
