package io.github.lfm4j.runner.engine.spi;

import io.github.lfm4j.model.lfm2.Lfm2Config;

import java.util.Optional;

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

    /**
     * Switches the device profiler on (its counters restart at zero) or off. It adds overhead to every step, so
     * benchmarks switch it on only for steps they do not time. Engines without a profiler ignore this.
     */
    default void profile(boolean on) {}

    /** What the profiler counted since it was switched on; empty for engines without one. */
    default Optional<GpuProfile> profileTotals() {
        return Optional.empty();
    }

    /** The conversation state on the device (one per model). */
    GpuSession session();

    @Override
    void close();
}
