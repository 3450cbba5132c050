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

    /** The conversation state on the device (one per model). */
    GpuSession session();

    @Override
    void close();
}
