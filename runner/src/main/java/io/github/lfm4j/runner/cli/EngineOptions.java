package io.github.lfm4j.runner.cli;

import io.github.lfm4j.runner.api.Device;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The model file, device and worker threads, shared by the commands that load a model for inference ({@code @Mixin}). */
final class EngineOptions {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model file.")
    Path model;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Worker threads; 0 = all processors (default).")
    int threads;

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "auto",
            description = "cpu, gpu or auto (default: the GPU when a GPU engine and device are available).")
    String device;

    /** The parsed --device (a one-line error for an unknown name). */
    Device device() {
        return Device.parse(device);
    }
}
