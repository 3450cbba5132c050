package io.github.lfm4j.bench;

import io.github.lfm4j.runner.cli.Lfm4jCli;

/** Entry point of the runnable jar: the full CLI, including the benchmark commands this module adds. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        var cli = Lfm4jCli.create();
        System.exit(cli.execute(args));
    }
}
