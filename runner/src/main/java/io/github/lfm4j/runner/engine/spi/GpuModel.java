package io.github.lfm4j.runner.engine.spi;

import io.github.lfm4j.model.lfm2.Lfm2Config;

/**
 * A model loaded on a GPU: weights, caches and activations live on the device. It holds one conversation state,
 * {@link #session()}; closing the model frees the device memory.
 */
public interface GpuModel extends AutoCloseable {

    Lfm2Config config();

    /** Tokens the session can hold. */
    int context();

    /** The device it runs on, human-readable. */
    String device();

    /** Device memory the model holds (weights, caches, activations), in bytes. */
    long deviceMemoryBytes();

    /**
     * Seconds loading spent preparing device code (planning and compiling kernels, with the first upload of the
     * weights, which the runtime does in the same first execution).
     */
    double compileSeconds();

    /** The conversation state on the device (one per model). */
    GpuSession session();

    @Override
    void close();
}
