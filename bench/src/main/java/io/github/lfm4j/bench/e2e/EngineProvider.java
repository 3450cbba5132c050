package io.github.lfm4j.bench.e2e;

import java.nio.file.Path;

/**
 * Creates engines for one device. Found with {@link java.util.ServiceLoader}, so an engine that lives in another
 * module (the TornadoVM GPU engine) plugs in by listing its provider in
 * {@code META-INF/services/io.github.lfm4j.bench.e2e.EngineProvider}; the CPU provider is built in.
 */
public interface EngineProvider {

    Device device();

    /**
     * Loads {@code model} and creates an engine whose state holds {@code context} tokens.
     *
     * @param threads CPU worker threads, at least 1
     */
    InferenceEngine open(Path model, int threads, int context);
}
