package dev.tokengate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokengate.core.Json;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tokengate users create|list}: the admin API's users. */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Create and list users (admin key).",
        subcommands = {UsersCommand.Create.class, UsersCommand.ListUsers.class})
final class UsersCommand extends GroupCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a user.")
    static final class Create extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "The user's name.")
        String name;

        @Option(names = "--tier", paramLabel = "TIER", description = "user_free (default), user_go, user_pro, user_max or another configured tier.")
        String tier;

        @Option(names = "--json", description = "Print the user as JSON.")
        boolean json;

        @Override
        void run() {
            ObjectNode body = Json.object().put("name", name);
            if (tier != null) body.put("tier", tier);
            JsonNode user = client().post("/admin/v1/users", body);
            if (json) out().println(Output.pretty(user));
            else out().printf("Created user %s (%s, tier %s)%n", user.path("id").asText(), user.path("name").asText(), user.path("tier").asText());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users.")
    static final class ListUsers extends ApiCommand {
        @Option(names = "--json", description = "Print the list as JSON.")
        boolean json;

        @Override
        void run() {
            JsonNode list = client().get("/admin/v1/users");
            if (json) {
                out().println(Output.pretty(list));
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode u : list.path("data")) {
                rows.add(List.of(u.path("id").asText(), u.path("tier").asText(), Output.time(u.path("created_at")), u.path("name").asText()));
            }
            Output.table(out(), List.of("ID", "TIER", "CREATED", "NAME"), rows);
        }
    }
}
