package dev.tokengate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tokengate keys create|list|revoke}: the admin API's keys. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create, list and revoke a user's API keys (admin key).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand extends GroupCommand {

    static String segment(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key for a user. The secret is printed once.")
    static final class Create extends ApiCommand {
        @Parameters(paramLabel = "USER_ID", description = "The user (user_...).")
        String userId;

        @Option(names = "--name", paramLabel = "NAME", description = "A label for the key.")
        String name;

        @Option(names = "--json", description = "Print the key as JSON (with its secret).")
        boolean json;

        @Override
        void run() {
            ObjectNode body = Json.object();
            if (name != null) body.put("name", name);
            JsonNode key = client().post("/admin/v1/users/" + segment(userId) + "/keys", body);
            if (json) {
                out().println(Output.pretty(key));
                return;
            }
            out().printf("Created key %s for %s. Its secret is shown only now:%n", key.path("id").asText(), key.path("user_id").asText());
            out().println(key.path("key").asText());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a user's keys (never their secrets).")
    static final class ListKeys extends ApiCommand {
        @Parameters(paramLabel = "USER_ID", description = "The user (user_...).")
        String userId;

        @Option(names = "--json", description = "Print the list as JSON.")
        boolean json;

        @Override
        void run() {
            JsonNode list = client().get("/admin/v1/users/" + segment(userId) + "/keys");
            if (json) {
                out().println(Output.pretty(list));
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode k : list.path("data")) {
                rows.add(List.of(k.path("id").asText(), k.path("prefix").asText() + "...", k.path("active").asBoolean() ? "active" : "revoked",
                        Output.time(k.path("created_at")), Output.text(k.path("name"))));
            }
            Output.table(out(), List.of("ID", "PREFIX", "STATE", "CREATED", "NAME"), rows);
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key; it stops working at once.")
    static final class Revoke extends ApiCommand {
        @Parameters(index = "0", paramLabel = "USER_ID", description = "The user (user_...).")
        String userId;

        @Parameters(index = "1", paramLabel = "KEY_ID", description = "The key (key_...).")
        String keyId;

        @Option(names = "--json", description = "Print the revoked key as JSON.")
        boolean json;

        @Override
        void run() {
            JsonNode key = client().delete("/admin/v1/users/" + segment(userId) + "/keys/" + segment(keyId));
            if (json) out().println(Output.pretty(key));
            else out().printf("Revoked key %s of %s%n", key.path("id").asText(), key.path("user_id").asText());
        }
    }
}
