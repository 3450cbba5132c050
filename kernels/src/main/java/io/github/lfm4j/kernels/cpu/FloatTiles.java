package io.github.lfm4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Float dot products over already-decoded weight rows, register-blocked for prefill: a 2-row × 4-token tile keeps
 * 8 accumulators live and loads each weight vector once for four tokens and each activation vector once for two
 * rows (6 loads per 8 FMAs), which is what lets a matmul run near the FMA peak instead of the load-port limit.
 * Every loop ends with a scalar tail so any length works.
 */
final class FloatTiles {
    private FloatTiles() {}

    /** Floats at {@link VectorWidth}'s width: 8 lanes at 256 bits, 4 at 128. */
    private static final VectorSpecies<Float> F = VectorWidth.F;
    private static final int L = VectorWidth.FL;

    /** {@code Σ a[ao+i]·b[bo+i]} for {@code i < len}. */
    static float dot(float[] a, int ao, float[] b, int bo, int len) {
        FloatVector s0 = FloatVector.zero(F), s1 = FloatVector.zero(F), s2 = FloatVector.zero(F), s3 = FloatVector.zero(F);
        int i = 0;
        for (int upper = len - 4 * L; i <= upper; i += 4 * L) {
            s0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), s0);
            s1 = FloatVector.fromArray(F, a, ao + i + L).fma(FloatVector.fromArray(F, b, bo + i + L), s1);
            s2 = FloatVector.fromArray(F, a, ao + i + 2 * L).fma(FloatVector.fromArray(F, b, bo + i + 2 * L), s2);
            s3 = FloatVector.fromArray(F, a, ao + i + 3 * L).fma(FloatVector.fromArray(F, b, bo + i + 3 * L), s3);
        }
        for (; i <= len - L; i += L) {
            s0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), s0);
        }
        float sum = LaneSums.sum(s0.add(s1).add(s2.add(s3)));
        for (; i < len; i++) sum += a[ao + i] * b[bo + i];
        return sum;
    }

    /**
     * Rows {@code w0}, {@code w1} (offsets into {@code w}) times tokens at offsets {@code x0..x3} of {@code x};
     * results go to {@code out[o + t*stride + r]} for token t = 0..3 and row r = 0..1.
     */
    static void tile2x4(float[] w, int w0, int w1, float[] x, int x0, int x1, int x2, int x3, int len,
                        float[] out, int o, int stride) {
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F), a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F), a13 = FloatVector.zero(F);
        int i = 0;
        for (; i <= len - L; i += L) {
            FloatVector v0 = FloatVector.fromArray(F, w, w0 + i);
            FloatVector v1 = FloatVector.fromArray(F, w, w1 + i);
            FloatVector y = FloatVector.fromArray(F, x, x0 + i);
            a00 = v0.fma(y, a00);
            a10 = v1.fma(y, a10);
            y = FloatVector.fromArray(F, x, x1 + i);
            a01 = v0.fma(y, a01);
            a11 = v1.fma(y, a11);
            y = FloatVector.fromArray(F, x, x2 + i);
            a02 = v0.fma(y, a02);
            a12 = v1.fma(y, a12);
            y = FloatVector.fromArray(F, x, x3 + i);
            a03 = v0.fma(y, a03);
            a13 = v1.fma(y, a13);
        }
        float s00 = LaneSums.sum(a00), s01 = LaneSums.sum(a01);
        float s02 = LaneSums.sum(a02), s03 = LaneSums.sum(a03);
        float s10 = LaneSums.sum(a10), s11 = LaneSums.sum(a11);
        float s12 = LaneSums.sum(a12), s13 = LaneSums.sum(a13);
        for (; i < len; i++) {
            float v0 = w[w0 + i], v1 = w[w1 + i];
            s00 += v0 * x[x0 + i];
            s01 += v0 * x[x1 + i];
            s02 += v0 * x[x2 + i];
            s03 += v0 * x[x3 + i];
            s10 += v1 * x[x0 + i];
            s11 += v1 * x[x1 + i];
            s12 += v1 * x[x2 + i];
            s13 += v1 * x[x3 + i];
        }
        out[o] = s00;
        out[o + 1] = s10;
        out[o + stride] = s01;
        out[o + stride + 1] = s11;
        out[o + 2 * stride] = s02;
        out[o + 2 * stride + 1] = s12;
        out[o + 3 * stride] = s03;
        out[o + 3 * stride + 1] = s13;
    }

    /** One row times four tokens; results to {@code out[o + t*stride]}. */
    static void tile1x4(float[] w, int w0, float[] x, int x0, int x1, int x2, int x3, int len, float[] out, int o, int stride) {
        FloatVector a0 = FloatVector.zero(F), a1 = FloatVector.zero(F), a2 = FloatVector.zero(F), a3 = FloatVector.zero(F);
        int i = 0;
        for (; i <= len - L; i += L) {
            FloatVector v = FloatVector.fromArray(F, w, w0 + i);
            a0 = v.fma(FloatVector.fromArray(F, x, x0 + i), a0);
            a1 = v.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            a2 = v.fma(FloatVector.fromArray(F, x, x2 + i), a2);
            a3 = v.fma(FloatVector.fromArray(F, x, x3 + i), a3);
        }
        float s0 = LaneSums.sum(a0), s1 = LaneSums.sum(a1);
        float s2 = LaneSums.sum(a2), s3 = LaneSums.sum(a3);
        for (; i < len; i++) {
            float v = w[w0 + i];
            s0 += v * x[x0 + i];
            s1 += v * x[x1 + i];
            s2 += v * x[x2 + i];
            s3 += v * x[x3 + i];
        }
        out[o] = s0;
        out[o + stride] = s1;
        out[o + 2 * stride] = s2;
        out[o + 3 * stride] = s3;
    }

    /**
     * Four rows (offsets {@code w0}, {@code w0+len}, ... of {@code w}) times three tokens: 12 accumulators; each
     * activation vector, the operand that streams from L2, is loaded once for four rows.
     * Results go to {@code out[o + t*stride + r]}.
     */
    static void tile4x3(float[] w, int w0, float[] x, int x0, int x1, int x2, int len, float[] out, int o, int stride) {
        int w1 = w0 + len, w2 = w1 + len, w3 = w2 + len;
        FloatVector a00 = FloatVector.zero(F), a01 = FloatVector.zero(F), a02 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F), a11 = FloatVector.zero(F), a12 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F), a21 = FloatVector.zero(F), a22 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F), a31 = FloatVector.zero(F), a32 = FloatVector.zero(F);
        int i = 0;
        for (; i <= len - L; i += L) {
            FloatVector y0 = FloatVector.fromArray(F, x, x0 + i);
            FloatVector y1 = FloatVector.fromArray(F, x, x1 + i);
            FloatVector y2 = FloatVector.fromArray(F, x, x2 + i);
            FloatVector v = FloatVector.fromArray(F, w, w0 + i);
            a00 = v.fma(y0, a00);
            a01 = v.fma(y1, a01);
            a02 = v.fma(y2, a02);
            v = FloatVector.fromArray(F, w, w1 + i);
            a10 = v.fma(y0, a10);
            a11 = v.fma(y1, a11);
            a12 = v.fma(y2, a12);
            v = FloatVector.fromArray(F, w, w2 + i);
            a20 = v.fma(y0, a20);
            a21 = v.fma(y1, a21);
            a22 = v.fma(y2, a22);
            v = FloatVector.fromArray(F, w, w3 + i);
            a30 = v.fma(y0, a30);
            a31 = v.fma(y1, a31);
            a32 = v.fma(y2, a32);
        }
        // twelve scalars rather than an array: an array indexed in a loop escapes C2's scalar replacement and was
        // allocated on every call (94 % of a long prefill's allocations, a young collection every few tokens)
        float s00 = LaneSums.sum(a00), s01 = LaneSums.sum(a01), s02 = LaneSums.sum(a02);
        float s10 = LaneSums.sum(a10), s11 = LaneSums.sum(a11), s12 = LaneSums.sum(a12);
        float s20 = LaneSums.sum(a20), s21 = LaneSums.sum(a21), s22 = LaneSums.sum(a22);
        float s30 = LaneSums.sum(a30), s31 = LaneSums.sum(a31), s32 = LaneSums.sum(a32);
        for (; i < len; i++) {
            float y0 = x[x0 + i], y1 = x[x1 + i], y2 = x[x2 + i];
            float v0 = w[w0 + i], v1 = w[w1 + i], v2 = w[w2 + i], v3 = w[w3 + i];
            s00 += v0 * y0;
            s01 += v0 * y1;
            s02 += v0 * y2;
            s10 += v1 * y0;
            s11 += v1 * y1;
            s12 += v1 * y2;
            s20 += v2 * y0;
            s21 += v2 * y1;
            s22 += v2 * y2;
            s30 += v3 * y0;
            s31 += v3 * y1;
            s32 += v3 * y2;
        }
        out[o] = s00;
        out[o + 1] = s10;
        out[o + 2] = s20;
        out[o + 3] = s30;
        out[o + stride] = s01;
        out[o + stride + 1] = s11;
        out[o + stride + 2] = s21;
        out[o + stride + 3] = s31;
        out[o + 2 * stride] = s02;
        out[o + 2 * stride + 1] = s12;
        out[o + 2 * stride + 2] = s22;
        out[o + 2 * stride + 3] = s32;
    }
}
