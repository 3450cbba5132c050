package io.github.lfm4j.runner.api;

import io.github.lfm4j.kernels.cache.KvCacheType;
import io.github.lfm4j.model.gguf.GGMLType;

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
 * @param cacheTypeK  how the KV cache stores keys ({@code -ctk}); null: the engine's default ({@link KvCacheType#DEFAULT
 *                    f16} on the CPU, f32 on the GPU engine until it stores other types)
 * @param cacheTypeV  how the KV cache stores values ({@code -ctv}); null: the engine's default, as for keys
 * @param quantize    CPU engine: quantize a float model's matrices (a BF16 checkpoint) at load to Q8_0 or Q4_0, in
 *                    memory, as {@code lfm4j convert --type} would; null runs the weights as stored
 */
public record ModelOptions(Device device, int threads, int contextSize, boolean repack,
                           KvCacheType cacheTypeK, KvCacheType cacheTypeV, GGMLType quantize) {

    public ModelOptions {
        if (device == null) device = Device.AUTO;
        if (quantize != null && quantize != GGMLType.Q8_0 && quantize != GGMLType.Q4_0) {
            throw new IllegalArgumentException("quantize at load to q8_0 or q4_0, not " + quantize.name().toLowerCase());
        }
    }

    /** Weights as stored. */
    public ModelOptions(Device device, int threads, int contextSize, boolean repack, KvCacheType cacheTypeK,
                        KvCacheType cacheTypeV) {
        this(device, threads, contextSize, repack, cacheTypeK, cacheTypeV, null);
    }

    /** With the default f16 KV cache. */
    public ModelOptions(Device device, int threads, int contextSize, boolean repack) {
        this(device, threads, contextSize, repack, null, null);
    }

    /** With repacking and the default f16 KV cache. */
    public ModelOptions(Device device, int threads, int contextSize) {
        this(device, threads, contextSize, true);
    }

    /** AUTO device, all processors, the model's own context length, repacking, f16 KV cache. */
    public static ModelOptions defaults() {
        return new ModelOptions(Device.AUTO, 0, 0, true);
    }

    public ModelOptions withDevice(Device d) {
        return new ModelOptions(d, threads, contextSize, repack, cacheTypeK, cacheTypeV, quantize);
    }

    public ModelOptions withThreads(int n) {
        return new ModelOptions(device, n, contextSize, repack, cacheTypeK, cacheTypeV, quantize);
    }

    public ModelOptions withContextSize(int tokens) {
        return new ModelOptions(device, threads, tokens, repack, cacheTypeK, cacheTypeV, quantize);
    }

    public ModelOptions withRepack(boolean on) {
        return new ModelOptions(device, threads, contextSize, on, cacheTypeK, cacheTypeV, quantize);
    }

    /** Keys and values stored as {@code k} and {@code v}. */
    public ModelOptions withCacheTypes(KvCacheType k, KvCacheType v) {
        return new ModelOptions(device, threads, contextSize, repack, k, v, quantize);
    }

    /** The matrices of a float model quantized at load to {@code type} (Q8_0 or Q4_0), or as stored (null). */
    public ModelOptions withQuantize(GGMLType type) {
        return new ModelOptions(device, threads, contextSize, repack, cacheTypeK, cacheTypeV, type);
    }
}
