package dev.tokengate.cli;

import dev.tokengate.app.Gateway;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tokengate}: the gateway ({@code serve}) and a client of its API (everything else). */
@Command(name = "tokengate", mixinStandardHelpOptions = true, version = "Tokengate 0.1.0",
        description = "An LLM API gateway: serve it, or administer and use a running one.",
        subcommands = {ServeCommand.class, UsersCommand.class, KeysCommand.class, ChatCommand.class, BatchCommand.class,
                JobsCommand.class, UsageCommand.class, HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 the gateway answered with an error or could not be reached, 2 usage error.",
                "Run 'tokengate COMMAND --help' for a command's options."})
public final class TokengateCommand implements Callable<Integer> {
    @Mixin
    ApiOptions api = new ApiOptions();

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;
    private final Path workDir;
    private final boolean interactive;
    private Gateway served;

    /**
     * @param workDir where relative paths (./data/admin.key) are resolved
     * @param interactive whether output goes to a terminal (decides the progress bar's style)
     */
    public TokengateCommand(Map<String, String> env, Path workDir, boolean interactive) {
        this.env = env;
        this.workDir = workDir;
        this.interactive = interactive;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CliFailure.USAGE;
    }

    Map<String, String> env() { return env; }

    Path workDir() { return workDir; }

    boolean interactive() { return interactive; }

    void serving(Gateway gateway) { this.served = gateway; }

    /** The gateway {@code serve} started, which keeps running after the command returns; null for other commands. */
    public Gateway served() { return served; }
}
