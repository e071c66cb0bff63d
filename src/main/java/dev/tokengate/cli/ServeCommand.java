package dev.tokengate.cli;

import dev.tokengate.app.Gateway;
import dev.tokengate.config.ConfigException;
import dev.tokengate.config.ConfigLoader;
import dev.tokengate.config.GatewayConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tokengate serve}: starts the gateway; it keeps running after this returns. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the gateway.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default 127.0.0.1).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on (default 8080).")
    String port;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Holds the SQLite file and the admin key (default: data).")
    String dataDir;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (see config/tokengate.example.yaml).")
    Path configFile;

    @Option(names = "--db", paramLabel = "URL",
            description = "postgresql://user:pass@host:port/db selects PostgreSQL; sqlite:PATH; memory.")
    String db;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        TokengateCommand root = (TokengateCommand) spec.root().userObject();
        Map<String, String> overrides = new LinkedHashMap<>();
        if (host != null) overrides.put("server.host", host);
        if (port != null) overrides.put("server.port", port);
        if (dataDir != null) overrides.put("storage.data_dir", dataDir);
        if (db != null) overrides.put("storage.db_url", db);
        GatewayConfig config;
        try {
            config = ConfigLoader.load(configFile, root.env(), overrides);
        } catch (ConfigException e) {
            throw CliFailure.usage("configuration error: " + e.getMessage());
        }
        long t0 = System.nanoTime();
        Gateway gateway;
        try {
            gateway = Gateway.start(config, root.env());
        } catch (RuntimeException e) {
            throw CliFailure.usage("could not start: " + e.getMessage());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "tokengate-shutdown"));
        root.serving(gateway);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Tokengate listening on http://%s:%d (storage: %s, transport: %s, started in %d ms)%n", config.server().host(),
                gateway.port(), gateway.storageName(), gateway.transportName(), (System.nanoTime() - t0) / 1_000_000);
        if (gateway.adminKeyCreated()) {
            out.println("Created the admin key (shown once; stored in " + config.storage().dataDir().resolve(Gateway.ADMIN_KEY_FILE) + "):");
            out.println("  " + gateway.adminKey());
        }
        out.flush();
        return 0;
    }
}
