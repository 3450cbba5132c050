package io.github.lfm4j.bench;

import io.github.lfm4j.bench.e2e.BenchCommand;
import io.github.lfm4j.runner.cli.Lfm4jCli;
import picocli.CommandLine;

/** Entry point of the runnable jar: the full CLI, including the benchmark commands this module adds. */
public final class Main {
    private Main() {}

    /** {@link Lfm4jCli#create()} plus {@code bench}. */
    public static CommandLine createCli() {
        CommandLine cli = Lfm4jCli.create();
        cli.addSubcommand(new BenchCommand());
        cli.addSubcommand(new io.github.lfm4j.bench.e2e.MaskBenchCommand());
        return cli;
    }

    public static void main(String[] args) {
        System.exit(createCli().execute(args));
    }
}
