package dev.tokengate.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** Runs the command line in-process, as {@code bin/tokengate} would, with captured output. */
final class CliRun {
    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private final Map<String, String> env;
    private final Path workDir;

    CliRun(Map<String, String> env, Path workDir) {
        this.env = env;
        this.workDir = workDir;
    }

    Result run(String... args) {
        return runWith(new TokengateCommand(env, workDir, false), args);
    }

    static Result runWith(TokengateCommand root, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.commandLine(root, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
