package dev.tokengate.cli;

import picocli.CommandLine.Option;

/** Where the gateway is and which key to use; accepted before the subcommand and after it. */
final class ApiOptions {
    @Option(names = "--url", paramLabel = "URL",
            description = {"The gateway's base URL.", "Default: $TOKENGATE_URL, else http://127.0.0.1:8080."})
    String url;

    @Option(names = "--key", paramLabel = "KEY",
            description = {"The API key. Default: $TOKENGATE_API_KEY,", "else the admin key in data/admin.key."})
    String key;
}
