package io.github.lfm4j.model.quant;

import io.github.lfm4j.model.gguf.GGMLType;

import java.lang.foreign.MemorySegment;

/** Dequantization of Q4_1, Q5_0, Q5_1 and the K-quants Q4_K, Q5_K, Q6_K (to be completed). */
final class KQuantsAndLegacy {
    private KQuantsAndLegacy() {}

    static void dequantize(GGMLType type, MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        throw new IllegalArgumentException("dequantization of " + type + " is not implemented");
    }
}
