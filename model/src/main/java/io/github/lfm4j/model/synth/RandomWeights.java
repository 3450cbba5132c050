package io.github.lfm4j.model.synth;

/**
 * Reproducible pseudo-random tensor values. Every row of every tensor has its own generator state derived from
 * (seed, tensor index, row), so rows can be produced in any order and on any number of threads with the same result.
 *
 * <p>Values are approximately normal: the Irwin-Hall sum of four 16-bit uniforms taken from one SplitMix64 output,
 * centred and scaled to unit variance (range about ±3.46). That is close enough to N(0, 1) for weights and costs
 * one 64-bit hash per value (a Box-Muller or ziggurat normal would cost several times that for a billion values).
 */
public final class RandomWeights {
    private RandomWeights() {}

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    /** sqrt(12/4) / 65536: scales a sum of four 16-bit uniforms minus its mean to unit variance. */
    private static final float SCALE = (float) (Math.sqrt(3.0) / 65536.0);

    /** SplitMix64's output function (a bijective 64-bit mixer). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The starting state for a row. */
    static long rowState(long seed, int tensor, long row) {
        return mix(mix(seed * GOLDEN + tensor) + row * GOLDEN);
    }

    /** Fills {@code dst[off .. off+n)} with {@code mean + std * z}, z ~ approximately N(0, 1), for this row. */
    public static void fillRow(long seed, int tensor, long row, float mean, float std, float[] dst, int off, int n) {
        long state = rowState(seed, tensor, row);
        float s = std * SCALE;
        for (int i = 0; i < n; i++) {
            state += GOLDEN;
            long r = mix(state);
            long sum = (r & 0xFFFF) + (r >>> 16 & 0xFFFF) + (r >>> 32 & 0xFFFF) + (r >>> 48);
            dst[off + i] = mean + s * (float) (sum - 2 * 65535);
        }
    }
}
