package io.github.lfm4j.bench.e2e;

import io.github.lfm4j.bench.Main;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the full CLI (as the jar does) in-process with captured output. */
record BenchCli(int exit, String out, String err) {

    static BenchCli run(String... args) {
        CommandLine cl = Main.createCli();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new BenchCli(exit, out.toString(), err.toString());
    }

    /** The error output is exactly one line "lfm4j: ..." without a stack trace. */
    String oneErrorLine() {
        return oneErrorLine(1);
    }

    /** A command line that does not parse: one line, exit {@code Lfm4jCli.USAGE_ERROR}. */
    String oneUsageErrorLine() {
        return oneErrorLine(io.github.lfm4j.runner.cli.Lfm4jCli.USAGE_ERROR);
    }

    private String oneErrorLine(int expectedExit) {
        String e = err.strip();
        if (exit != expectedExit || e.contains("\n") || !e.startsWith("lfm4j: ") || e.contains("\tat ")) {
            throw new AssertionError("expected exit " + expectedExit + " and one line 'lfm4j: ...', got exit " + exit
                    + " and:\n" + err);
        }
        return e;
    }
}
