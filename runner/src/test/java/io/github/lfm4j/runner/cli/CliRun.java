package io.github.lfm4j.runner.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process with captured output. */
record CliRun(int exit, String out, String err) {

    static CliRun of(String... args) {
        CommandLine cl = Lfm4jCli.create();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /**
     * The error output is exactly one line "lfm4j: ..." without a stack trace, with exit code 1 (runtime error) or
     * 2 (a command line that does not parse).
     */
    String oneErrorLine() {
        String e = err.strip();
        if ((exit != 1 && exit != 2) || e.contains("\n") || !e.startsWith("lfm4j: ") || e.contains("\tat ")) {
            throw new AssertionError("expected exit 1 or 2 and one line 'lfm4j: ...', got exit " + exit + " and:\n" + err);
        }
        return e;
    }
}
