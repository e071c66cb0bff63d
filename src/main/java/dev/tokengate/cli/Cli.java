package dev.tokengate.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Builds the command line with our error handling: one "tokengate: ..." line and the exit code of the failure. */
public final class Cli {
    private Cli() {}

    public static CommandLine commandLine(TokengateCommand root, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(root);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getOut().flush();
            if (e instanceof CliFailure f) {
                cmd.getErr().println("tokengate: " + f.getMessage());
                cmd.getErr().flush();
                return f.exitCode();
            }
            cmd.getErr().println("tokengate: unexpected error: " + e);
            cmd.getErr().flush();
            return CliFailure.API_ERROR;
        });
        return cl;
    }
}
