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
 *                    the same results bit for bit); off by default, which keeps every matrix memory-mapped as stored.
 *                    Opt-in because its speed is not yet dependable: in about half of the processes measured, decode
 *                    ran at half speed (see docs/bench/README.md, fourth session)
 */
public record ModelOptions(Device device, int threads, int contextSize, boolean repack) {

    public ModelOptions {
        if (device == null) device = Device.AUTO;
    }

    /** Without repacking. */
    public ModelOptions(Device device, int threads, int contextSize) {
        this(device, threads, contextSize, false);
    }

    /** AUTO device, all processors, the model's own context length, no repacking. */
    public static ModelOptions defaults() {
        return new ModelOptions(Device.AUTO, 0, 0, false);
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
