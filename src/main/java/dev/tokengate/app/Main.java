package dev.tokengate.app;

import dev.tokengate.config.ConfigException;
import dev.tokengate.config.ConfigLoader;
import dev.tokengate.config.GatewayConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Command line entry point: {@code tokengate serve [--host H] [--port P] [--data-dir D] [--config FILE] [--db URL]}. */
public final class Main {
    private static final String USAGE = """
            Usage: tokengate serve [options]
              --host HOST        address to listen on (default 127.0.0.1)
              --port PORT        port to listen on (default 8080)
              --data-dir DIR     where the SQLite file and the admin key live (default ./data)
              --config FILE      YAML configuration (see config/tokengate.example.yaml)
              --db URL           postgresql://user:pass@host:port/db selects PostgreSQL; sqlite:PATH; memory
            """;

    private Main() {}

    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            System.out.print(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        if (!args[0].equals("serve")) {
            System.err.println("tokengate: unknown command '" + args[0] + "'\n" + USAGE);
            System.exit(2);
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        Path configFile = null;
        for (int i = 1; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            if (i + 1 >= args.length) fail("option " + flag + " needs a value");
            String value = args[++i];
            switch (flag) {
                case "--host" -> overrides.put("server.host", value);
                case "--port" -> overrides.put("server.port", value);
                case "--data-dir" -> overrides.put("storage.data_dir", value);
                case "--db" -> overrides.put("storage.db_url", value);
                case "--config" -> configFile = Path.of(value);
                default -> fail("unknown option " + flag);
            }
        }
        GatewayConfig config;
        try {
            config = ConfigLoader.load(configFile, System.getenv(), overrides);
        } catch (ConfigException e) {
            fail("configuration error: " + e.getMessage());
            return;
        }
        long t0 = System.nanoTime();
        Gateway gateway;
        try {
            gateway = Gateway.start(config, System.getenv());
        } catch (RuntimeException e) {
            fail("could not start: " + e.getMessage());
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "tokengate-shutdown"));
        System.out.printf("Tokengate listening on http://%s:%d (storage: %s, started in %d ms)%n", config.server().host(),
                gateway.port(), gateway.storageName(), (System.nanoTime() - t0) / 1_000_000);
        if (gateway.adminKeyCreated()) {
            System.out.println("Created the admin key (shown once; stored in " + config.storage().dataDir().resolve(AdminKeyFile.NAME) + "):");
            System.out.println("  " + gateway.adminKey());
        }
    }

    private static void fail(String message) {
        System.err.println("tokengate: " + message);
        System.exit(2);
    }
}
