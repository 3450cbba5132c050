package io.github.lfm4j.bench.jmh;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.GGUFTensorInfo;
import io.github.lfm4j.model.gguf.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Random weight matrices for the kernel benchmarks, built in native memory (like a mapped model file). Quant
 * blocks get random bits with finite, model-sized f16 scales; float types get normally distributed values, so no
 * NaN, infinity or subnormal can put the arithmetic on a slow path that real weights never take.
 */
final class BenchWeights {
    private BenchWeights() {}

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A {@code rows × cols} tensor of {@code type} in memory owned by {@code arena}. */
    static Tensor random(GGMLType type, int rows, int cols, Arena arena, long seed) {
        long bytes = type.byteSize((long) rows * cols);
        MemorySegment seg = arena.allocate(bytes, 64);
        SplittableRandom rnd = new SplittableRandom(seed);
        long n = (long) rows * cols;
        switch (type) {
            case F32 -> {
                for (long i = 0; i < n; i++) seg.set(LE_FLOAT, 4 * i, (float) rnd.nextGaussian());
            }
            case F16 -> {
                for (long i = 0; i < n; i++) seg.set(LE_SHORT, 2 * i, Float.floatToFloat16((float) rnd.nextGaussian()));
            }
            case BF16 -> {
                for (long i = 0; i < n; i++) seg.set(LE_SHORT, 2 * i, (short) (Float.floatToRawIntBits((float) rnd.nextGaussian()) >>> 16));
            }
            default -> {
                long i = 0;
                for (; i + 8 <= bytes; i += 8) seg.set(LE_LONG, i, rnd.nextLong());
                for (; i < bytes; i++) seg.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());
                int[] halves = switch (type) {
                    case Q8_0, Q4_0, Q5_0 -> new int[]{0};
                    case Q4_1, Q5_1, Q4_K, Q5_K -> new int[]{0, 2};
                    case Q6_K -> new int[]{208};
                    default -> throw new IllegalArgumentException("no benchmark generator for " + type);
                };
                for (long b = 0; b < bytes / type.typeSize; b++) {
                    for (int h : halves) seg.set(LE_SHORT, b * type.typeSize + h, Float.floatToFloat16((float) (rnd.nextDouble() * 0.1 - 0.05)));
                }
            }
        }
        return new Tensor(new GGUFTensorInfo("bench", new long[]{cols, rows}, type, 0), seg);
    }

    static float[] activations(int len, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    /** "ROWSxCOLS" → {rows, cols}. */
    static int[] shape(String s) {
        String[] p = s.split("x");
        return new int[]{Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }
}
