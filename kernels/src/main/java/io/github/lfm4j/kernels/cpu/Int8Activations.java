package io.github.lfm4j.kernels.cpu;

/**
 * An activation vector rounded to 8-bit integers in blocks of 32 with one float scale per block, the way llama.cpp
 * feeds Q4_0/Q8_0 weights (its Q8_0 activations): {@code x[i] ≈ scale[i/32] · q[i]}, {@code |q| ≤ 127}. The
 * integers are kept widened to shorts so the kernels can multiply them with 16-bit lanes: products of a weight
 * quant (|w| ≤ 128) and an activation quant stay below 2^14, and the sum of two below 2^15, so two products can
 * be added in a short lane without overflow.
 * <p>
 * Rounding error: each element moves by at most half a step, {@code max|x_block| / 254}.
 */
final class Int8Activations {
    static final int BLOCK = 32;

    final short[] q;
    final float[] scale;
    /** Σ q over each block: the K-quants' per-sub-block minimum multiplies the plain sum of the activations. */
    final int[] sum;

    Int8Activations(int cols) {
        this.q = new short[cols];
        this.scale = new float[cols / BLOCK];
        this.sum = new int[cols / BLOCK];
    }

    /** Quantizes {@code x[off .. off + q.length)}. */
    void quantize(float[] x, int off) {
        for (int b = 0; b < scale.length; b++) {
            int base = off + BLOCK * b;
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) amax = Math.max(amax, Math.abs(x[base + j]));
            float d = amax / 127f;
            float inv = d == 0f ? 0f : 1f / d;
            scale[b] = d;
            int s = 0;
            for (int j = 0; j < BLOCK; j++) {
                short v = (short) Math.round(x[base + j] * inv);
                q[BLOCK * b + j] = v;
                s += v;
            }
            sum[b] = s;
        }
    }
}
