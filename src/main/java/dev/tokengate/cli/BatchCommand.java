package dev.tokengate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.Json;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tokengate batch submit FILE.jsonl [--wait]}: an OpenAI batch input file run as a message batch. */
@Command(name = "batch", mixinStandardHelpOptions = true, description = "Run many chat requests as one message batch.",
        subcommands = {BatchCommand.Submit.class})
final class BatchCommand extends GroupCommand {

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = {"Submit an OpenAI batch input file as a message batch (POST /v1/messages/batches).",
                    "Each line is {\"custom_id\": ID, \"body\": a chat completion request}.",
                    "With --wait: show its progress, then write one result per line:",
                    "{custom_id, batch_item_id, status, model, content, error},",
                    "status being completed, failed or no_answer."})
    static final class Submit extends ApiCommand {
        private static final Set<String> ENDED = Set.of("completed", "failed", "cancelled", "expired");
        private static final int PAGE = 1000;

        @Parameters(paramLabel = "FILE.jsonl", description = "The batch input file.")
        Path file;

        @Option(names = {"-w", "--wait"}, description = "Wait for the batch to end, with a progress bar, then write the results.")
        boolean await;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE",
                description = "Where --wait writes the results (default: the input's name with .results.jsonl).")
        Path output;

        @Option(names = "--interval", paramLabel = "MS", defaultValue = "1000", description = "How often --wait polls, in milliseconds (default: ${DEFAULT-VALUE}).")
        long intervalMs;

        @Override
        void run() throws InterruptedException {
            if (intervalMs < 10) throw CliFailure.usage("--interval must be at least 10 ms.");
            List<BatchFile.Line> lines = BatchFile.read(root().workDir().resolve(file));
            Path results = root().workDir().resolve(output != null ? output : defaultOutput(file));
            if (await && (results.getParent() != null && !Files.isDirectory(results.getParent()))) {
                throw CliFailure.usage("cannot write the results to " + results + ": no such directory.");
            }
            GatewayClient client = client();
            JsonNode batch = client.post("/v1/messages/batches", BatchFile.batchRequest(lines));
            String id = batch.path("id").asText();
            if (!await) {
                out().printf("Submitted batch %s with %d requests (status %s). Follow it at GET /v1/messages/batches/%s%n",
                        id, lines.size(), batch.path("status").asText(), id);
                return;
            }
            err().printf("Submitted batch %s with %d requests.%n", id, lines.size());
            batch = waitForEnd(client, batch);
            List<ObjectNode> rows = BatchResults.of(lines, messages(client, id));
            write(results, rows);
            long completed = rows.stream().filter(r -> r.path("status").asText().equals("completed")).count();
            String status = batch.path("status").asText();
            out().printf("Batch %s %s: %d of %d requests completed. Results: %s%n", id, status, completed, rows.size(), results);
            if (!status.equals("completed")) throw CliFailure.api("batch " + id + " ended " + status + "; the results hold what finished.");
        }

        private JsonNode waitForEnd(GatewayClient client, JsonNode batch) throws InterruptedException {
            String path = "/v1/messages/batches/" + KeysCommand.segment(batch.path("id").asText());
            try (BatchProgress progress = new BatchProgress(err(), counts(batch).path("total").asLong(), root().interactive())) {
                while (true) {
                    JsonNode counts = counts(batch);
                    long done = counts.path("completed").asLong() + counts.path("failed").asLong() + counts.path("cancelled").asLong();
                    progress.update(counts.path("total").asLong(), done, batch.path("status").asText());
                    if (ENDED.contains(batch.path("status").asText())) return batch;
                    Thread.sleep(intervalMs);
                    batch = client.get(path);
                }
            }
        }

        private static JsonNode counts(JsonNode batch) {
            return batch.path("metadata").path("request_counts");
        }

        /** Every message of the batch, oldest first, page by page. */
        private static List<JsonNode> messages(GatewayClient client, String id) {
            List<JsonNode> all = new ArrayList<>();
            String after = null;
            while (true) {
                String path = "/v1/messages/batches/" + KeysCommand.segment(id) + "/messages?order=asc&limit=" + PAGE
                        + (after == null ? "" : "&after=" + KeysCommand.segment(after));
                JsonNode page = client.get(path).path("messages");
                page.forEach(all::add);
                if (page.size() < PAGE) return all;
                after = page.get(page.size() - 1).path("id").asText();
            }
        }

        private static Path defaultOutput(Path input) {
            String name = input.getFileName().toString();
            String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
            return input.resolveSibling(base + ".results.jsonl");
        }

        private static void write(Path results, List<ObjectNode> rows) {
            try (Writer w = Files.newBufferedWriter(results, StandardCharsets.UTF_8)) {
                for (ObjectNode r : rows) w.write(Json.text(r) + "\n");
            } catch (IOException e) {
                throw CliFailure.api("cannot write the results to " + results + ": " + e.getMessage());
            }
        }
    }
}
