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
 */
public record ModelOptions(Device device, int threads, int contextSize) {

    public ModelOptions {
        if (device == null) device = Device.AUTO;
    }

    /** AUTO device, all processors, the model's own context length. */
    public static ModelOptions defaults() {
        return new ModelOptions(Device.AUTO, 0, 0);
    }

    public ModelOptions withDevice(Device d) {
        return new ModelOptions(d, threads, contextSize);
    }

    public ModelOptions withThreads(int n) {
        return new ModelOptions(device, n, contextSize);
    }

    public ModelOptions withContextSize(int tokens) {
        return new ModelOptions(device, threads, tokens);
    }
}
