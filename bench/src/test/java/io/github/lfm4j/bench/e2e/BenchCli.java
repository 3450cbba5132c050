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
        String e = err.strip();
        if (exit != 1 || e.contains("\n") || !e.startsWith("lfm4j: ") || e.contains("\tat ")) {
            throw new AssertionError("expected exit 1 and one line 'lfm4j: ...', got exit " + exit + " and:\n" + err);
        }
        return e;
    }
}
