package dev.tokengate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.Json;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tokengate chat [--model M] [--stream] PROMPT}: one prompt, one answer, through /v1/chat/completions. */
@Command(name = "chat", mixinStandardHelpOptions = true, description = "Send one prompt to a chat model and print the answer.")
final class ChatCommand extends ApiCommand {
    @Parameters(arity = "1..*", paramLabel = "PROMPT", description = "The prompt; several words are joined with spaces.")
    List<String> prompt;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", defaultValue = "gpt-auto", description = "The model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = {"-s", "--stream"}, description = "Print the answer as it is generated.")
    boolean stream;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message sent before the prompt.")
    String system;

    @Option(names = "--max-tokens", paramLabel = "N", description = "The most tokens to generate.")
    Integer maxTokens;

    @Option(names = "--json", description = "Print the whole completion as JSON (not with --stream).")
    boolean json;

    @Override
    void run() {
        if (json && stream) throw CliFailure.usage("--json and --stream cannot be combined.");
        ObjectNode body = Json.object().put("model", model);
        ArrayNode messages = body.putArray("messages");
        if (system != null) messages.addObject().put("role", "system").put("content", system);
        messages.addObject().put("role", "user").put("content", String.join(" ", prompt));
        if (maxTokens != null) body.put("max_completion_tokens", maxTokens);
        if (stream) {
            body.put("stream", true);
            streamed(body);
        } else {
            plain(body);
        }
    }

    private void plain(ObjectNode body) {
        JsonNode completion = client().post("/v1/chat/completions", body);
        if (json) {
            out().println(Output.pretty(completion));
            return;
        }
        JsonNode message = completion.path("choices").path(0).path("message");
        if (message.path("content").isTextual()) out().println(message.path("content").asText());
        else if (message.has("tool_calls")) out().println(Output.pretty(message.path("tool_calls")));
        else if (message.path("refusal").isTextual()) out().println("(refused) " + message.path("refusal").asText());
    }

    private void streamed(ObjectNode body) {
        try (Stream<String> lines = client().postForLines("/v1/chat/completions", body)) {
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (!line.startsWith("data:")) continue;
                String data = line.substring(5).strip();
                if (data.equals("[DONE]")) break;
                JsonNode chunk = Json.parseOrNull(data);
                if (chunk == null) continue;
                if (chunk.has("error")) {
                    out().println();
                    throw CliFailure.api("the stream failed: " + chunk.path("error").path("message").asText("unknown error"));
                }
                JsonNode content = chunk.path("choices").path(0).path("delta").path("content");
                if (content.isTextual()) {
                    out().print(content.asText());
                    out().flush();
                }
            }
        }
        out().println();
    }
}
