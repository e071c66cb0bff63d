package dev.tokengate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that only groups subcommands ({@code users}, {@code keys} ...): alone, it shows its usage. */
abstract class GroupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("tokengate: " + spec.name() + " needs a subcommand.");
        spec.commandLine().usage(spec.commandLine().getErr());
        return CliFailure.USAGE;
    }
}
