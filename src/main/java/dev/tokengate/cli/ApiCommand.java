package dev.tokengate.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A subcommand that talks to a running gateway. */
abstract class ApiCommand implements Callable<Integer> {
    @Mixin
    ApiOptions api = new ApiOptions();

    @Spec
    CommandSpec spec;

    TokengateCommand root() {
        return (TokengateCommand) spec.root().userObject();
    }

    GatewayClient client() {
        TokengateCommand root = root();
        return new GatewayClient(Connection.url(api, root.api, root.env()), Connection.key(api, root.api, root.env(), root.workDir()));
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    @Override
    public final Integer call() throws Exception {
        run();
        out().flush();
        return 0;
    }

    abstract void run() throws Exception;
}
