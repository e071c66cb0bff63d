package dev.tokengate.app;

import dev.tokengate.cli.Cli;
import dev.tokengate.cli.TokengateCommand;
import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** Command line entry point: {@code tokengate serve [options]}, or a client command (see {@code tokengate --help}). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        VertxTuning.apply();
        // SLF4J binds its provider on the first logger anyone asks for; a second thread asking meanwhile (the gateway
        // opens storage and warms up on threads of their own) gets a stand-in whose calls SLF4J replays later, with a
        // warning on standard error at every start. Binding here, before any other thread exists, avoids both.
        LoggerFactory.getILoggerFactory();
        TokengateCommand root = new TokengateCommand(System.getenv(), Path.of("").toAbsolutePath(), interactive());
        int code = Cli.commandLine(root, new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
        // a started gateway keeps the process alive on its own threads until it is stopped
        if (code == 0 && root.served() != null) return;
        System.exit(code);
    }

    /** Whether we talk to a terminal. Since JDK 22 System.console() exists even when redirected; isTerminal() tells. */
    private static boolean interactive() {
        Console console = System.console();
        if (console == null) return false;
        try {
            return (boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException olderJdk) {
            return true;
        }
    }
}
