package io.github.lfm4j.runner.api;

/**
 * How to load a model.
 *
 * @param device      where to run it ({@link Device#AUTO} falls back to the CPU when no GPU engine is available)
 * @param threads     worker threads of the CPU engine; 0 (or below) means all available processors
 * @param contextSize tokens one conversation can hold; 0 (or below) means the model's trained context length on the
 *                    CPU, where memory for the KV cache is allocated as a conversation grows, and
 *                    {@link LoadedEngine#GPU_DEFAULT_CONTEXT} (at most the trained one) on the GPU, whose KV cache is
 *                    allocated on the device up front
 * @param repack      let the CPU engine copy matrices into a faster arrangement at load (Q4_0 on 256-bit vectors,
 *                    the same results bit for bit; decode ~1.2x faster on 2 threads, ~1.25x on one, at ~20 MB more
 *                    memory and ~1.2 s more start-up, see docs/bench/README.md, fifth session); on by default, false
 *                    keeps every matrix memory-mapped as stored
 */
public record ModelOptions(Device device, int threads, int contextSize, boolean repack) {

    public ModelOptions {
        if (device == null) device = Device.AUTO;
    }

    /** With repacking (the default). */
    public ModelOptions(Device device, int threads, int contextSize) {
        this(device, threads, contextSize, true);
    }

    /** AUTO device, all processors, the model's own context length, repacking. */
    public static ModelOptions defaults() {
        return new ModelOptions(Device.AUTO, 0, 0, true);
    }

    public ModelOptions withDevice(Device d) {
        return new ModelOptions(d, threads, contextSize, repack);
    }

    public ModelOptions withThreads(int n) {
        return new ModelOptions(device, n, contextSize, repack);
    }

    public ModelOptions withContextSize(int tokens) {
        return new ModelOptions(device, threads, tokens, repack);
    }

    public ModelOptions withRepack(boolean on) {
        return new ModelOptions(device, threads, contextSize, on);
    }
}
