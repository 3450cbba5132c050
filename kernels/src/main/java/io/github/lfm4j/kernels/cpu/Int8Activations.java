package io.github.lfm4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * An activation vector rounded to 8-bit integers in blocks of 32 with one float scale per block, the way llama.cpp
 * feeds Q4_0/Q8_0 weights (its Q8_0 activations): {@code x[i] ≈ scale[i/32] · q[i]}, {@code |q| ≤ 127}. The
 * integers are kept widened to shorts so the kernels can multiply them with 16-bit lanes: products of a weight
 * quant (|w| ≤ 128) and an activation quant stay below 2^14, and the sum of two below 2^15, so two products can
 * be added in a short lane without overflow.
 * <p>
 * Rounding error: each element moves by at most half a step, {@code max|x_block| / 254}.
 * <p>
 * Public so that a caller splitting one product across threads can round the input once ({@link #quantize}) and
 * hand the same rounded vector to every thread ({@link MatrixKernel#matvec(Int8Activations, float[], int, int)}),
 * instead of every thread rounding it again; the arrays stay package-private, read only by the kernels.
 */
public final class Int8Activations {
    static final int BLOCK = 32;
    private static final VectorSpecies<Float> F = VectorWidth.F;
    private static final int FL = VectorWidth.FL;
    private static final VectorSpecies<Integer> I = VectorWidth.I;
    /** One 16-bit lane per float lane: the rounded values narrow lane for lane. */
    private static final VectorSpecies<Short> S = VectorWidth.S_FOR_F;
    private static final float ROUNDING = 0x1.8p23f;
    private static final int ROUNDING_BITS = Float.floatToRawIntBits(ROUNDING);

    final short[] q;
    final float[] scale;
    /** Σ q over each block: the K-quants' per-sub-block minimum multiplies the plain sum of the activations. */
    final int[] sum;
    /** {@code scale · sum} per block: that plain sum in activation units. */
    final float[] scaledSum;
    /** Counts the calls of {@link #quantize}: kernels that keep a copy of {@link #q} in another order check it. */
    long stamp;

    /** Room for a vector of {@code cols} values, a multiple of 32. */
    public Int8Activations(int cols) {
        if (cols <= 0 || cols % BLOCK != 0) {
            throw new IllegalArgumentException("int8 activations need a positive multiple of 32 values, got " + cols);
        }
        this.q = new short[cols];
        this.scale = new float[cols / BLOCK];
        this.sum = new int[cols / BLOCK];
        this.scaledSum = new float[cols / BLOCK];
    }

    /**
     * Quantizes {@code x[off .. off + q.length)}. Done once per matvec call and thread, so it is vectorized too:
     * rounding to nearest (ties to even) by adding 1.5·2^23, which leaves the integer in the float's low mantissa
     * bits for |value| ≤ 2^22 (ours are ≤ 127).
     */
    public void quantize(float[] x, int off) {
        stamp++;
        for (int b = 0; b < scale.length; b++) {
            int base = off + BLOCK * b;
            // Loops over the block's BLOCK / FL float vectors: a constant trip count that C2 unrolls. Maximum and
            // integer sum are exact in any order, so both widths give the same result, bit for bit.
            FloatVector max = FloatVector.fromArray(F, x, base).abs();
            for (int i = FL; i < BLOCK; i += FL) max = max.max(FloatVector.fromArray(F, x, base + i).abs());
            float amax = max.reduceLanes(VectorOperators.MAX);
            float d = amax / 127f;
            float inv = d == 0f ? 0f : 1f / d;
            scale[b] = d;
            IntVector total = IntVector.zero(I);
            for (int i = 0; i < BLOCK; i += FL) {
                IntVector qi = FloatVector.fromArray(F, x, base + i).mul(inv).add(ROUNDING).reinterpretAsInts().sub(ROUNDING_BITS);
                total = total.add(qi);
                ((ShortVector) qi.castShape(S, 0)).intoArray(q, BLOCK * b + i);
            }
            sum[b] = total.reduceLanes(VectorOperators.ADD);
            scaledSum[b] = d * sum[b];
        }
    }

    /** Length of the vector this holds. */
    public int cols() {
        return q.length;
    }
}
