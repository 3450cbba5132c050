package io.github.lfm4j.runner.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The model file and worker threads, shared by the commands that load a model for inference ({@code @Mixin}). */
final class EngineOptions {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model file.")
    Path model;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Worker threads; 0 = all processors (default).")
    int threads;
}
