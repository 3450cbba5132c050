package io.github.lfm4j.kernels.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The small per-token vector operations of a transformer step (everything except the weight matrices): RMSNorm,
 * softmax, rotary embedding, SwiGLU, dot products and axpy. Arrays are addressed with explicit offsets so that one
 * buffer can hold a batch of vectors. The hot inner loops (dot, axpy, sum of squares) use the Vector API; the rest is
 * plain Java, which the JIT vectorises well enough for vectors this short.
 */
public final class VectorOps {
    private VectorOps() {}

    /** The platform's preferred width, unless {@code -Dlfm4j.vectorBits} forces one ({@link VectorWidth#F_PREFERRED}). */
    private static final VectorSpecies<Float> F = VectorWidth.F_PREFERRED;

    /** {@code Σ a[ao+i]·b[bo+i]} for {@code i < n}. */
    public static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        float sum = 0f;
        if (n >= F.length()) {
            FloatVector acc = FloatVector.zero(F);
            int bound = F.loopBound(n);
            for (; i < bound; i += F.length()) {
                acc = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, b, bo + i), acc);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) sum += a[ao + i] * b[bo + i];
        return sum;
    }

    /**
     * Dot products of one vector with {@code n} columns of a row-major matrix:
     * {@code out[oo+j] = scale · Σ_{i<d} x[xo+i] · m[mo + i·stride + j]} for {@code j < n}. Used for attention
     * scores over a key cache stored transposed (dimension-major), which vectorises over positions and needs no
     * horizontal reductions.
     */
    public static void dotColumns(float[] x, int xo, int d, float[] m, int mo, int stride, float scale,
                                  float[] out, int oo, int n) {
        int j = 0;
        int bound = F.loopBound(n);
        for (; j < bound; j += F.length()) {
            FloatVector acc = FloatVector.zero(F);
            for (int i = 0; i < d; i++) {
                acc = FloatVector.fromArray(F, m, mo + i * stride + j).fma(FloatVector.broadcast(F, x[xo + i]), acc);
            }
            acc.mul(scale).intoArray(out, oo + j);
        }
        for (; j < n; j++) {
            float sum = 0f;
            for (int i = 0; i < d; i++) sum += x[xo + i] * m[mo + i * stride + j];
            out[oo + j] = sum * scale;
        }
    }

    /** {@code y[yo+i] += alpha·x[xo+i]} for {@code i < n}. */
    /** Bytes holding as many lanes as {@link #F}: 128 bits of bytes for 512 bits of floats; null below 8 lanes. */
    private static final VectorSpecies<Byte> B_LANES = F.length() >= 8
            ? VectorSpecies.of(byte.class, jdk.incubator.vector.VectorShape.forBitSize(F.vectorBitSize() / 4)) : null;

    /**
     * {@code dst[do+j] = q[qo+j] · s[so+j]} for {@code j < n}: int8 quants times a float per value (q8_0 KV cache
     * keys, whose scales run along positions). C2 does not vectorize the byte-to-float conversion of the plain loop.
     */
    public static void int8TimesScales(byte[] q, int qo, float[] s, int so, float[] dst, int dOff, int n) {
        int j = 0;
        if (B_LANES != null) {
            int l = F.length();
            for (; j + l <= n; j += l) {
                FloatVector x = (FloatVector) jdk.incubator.vector.ByteVector.fromArray(B_LANES, q, qo + j)
                        .convertShape(VectorOperators.B2F, F, 0);
                x.mul(FloatVector.fromArray(F, s, so + j)).intoArray(dst, dOff + j);
            }
        }
        for (; j < n; j++) dst[dOff + j] = q[qo + j] * s[so + j];
    }

    /** {@code dst[do+j] = q[qo+j] · scale} for {@code j < n} (q8_0 KV cache values: one scale per 32). */
    public static void int8TimesScale(byte[] q, int qo, float scale, float[] dst, int dOff, int n) {
        int j = 0;
        if (B_LANES != null) {
            int l = F.length();
            for (; j + l <= n; j += l) {
                FloatVector x = (FloatVector) jdk.incubator.vector.ByteVector.fromArray(B_LANES, q, qo + j)
                        .convertShape(VectorOperators.B2F, F, 0);
                x.mul(scale).intoArray(dst, dOff + j);
            }
        }
        for (; j < n; j++) dst[dOff + j] = q[qo + j] * scale;
    }

    public static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        if (n >= F.length()) {
            FloatVector va = FloatVector.broadcast(F, alpha);
            int bound = F.loopBound(n);
            for (; i < bound; i += F.length()) {
                FloatVector.fromArray(F, x, xo + i).fma(va, FloatVector.fromArray(F, y, yo + i)).intoArray(y, yo + i);
            }
        }
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    /** {@code y[yo+i] += x[xo+i]} for {@code i < n} (residual connections). */
    public static void add(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] += x[xo + i];
    }

    /**
     * RMSNorm as in llama.cpp's {@code ggml_rms_norm} followed by a weight multiply:
     * {@code out = x · (1/sqrt(mean(x²) + eps)) · w}. {@code out} may alias {@code x}.
     */
    public static void rmsnorm(float[] out, int oo, float[] x, int xo, float[] w, int n, float eps) {
        float ss = dot(x, xo, x, xo, n);
        float scale = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int i = 0; i < n; i++) out[oo + i] = x[xo + i] * scale * w[i];
    }

    /**
     * In-place softmax over {@code x[off .. off+n)}, subtracting the maximum first so that large logits do not
     * overflow.
     */
    public static void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, x[off + i]);
        float sum = 0f;
        int i = 0;
        if (n >= F.length()) {
            // the exponentials dominate attention's non-dot work: use the vectorised exp
            FloatVector vmax = FloatVector.broadcast(F, max), acc = FloatVector.zero(F);
            int bound = F.loopBound(n);
            for (; i < bound; i += F.length()) {
                FloatVector e = FloatVector.fromArray(F, x, off + i).sub(vmax).lanewise(VectorOperators.EXP);
                e.intoArray(x, off + i);
                acc = acc.add(e);
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int j = 0; j < n; j++) x[off + j] *= inv;
    }

    /**
     * Fills the rotary-embedding table for one position: {@code cos[i] = cos(pos·θ_i)}, {@code sin[i] = sin(pos·θ_i)}
     * with {@code θ_i = base^(-2i/headDim)}, {@code i < headDim/2}. Computed once per position and shared by every
     * head of every layer.
     */
    public static void ropeTable(int pos, int headDim, float base, float[] cos, float[] sin) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            double theta = pos * Math.pow(base, -2.0 * i / headDim);
            cos[i] = (float) Math.cos(theta);
            sin[i] = (float) Math.sin(theta);
        }
    }

    /**
     * NEOX-style rotary embedding of one head at {@code x[off .. off+headDim)}: element i is paired with element
     * {@code i + headDim/2} (rotate-halves), as llama.cpp's {@code LLAMA_ROPE_TYPE_NEOX} used by LFM2.
     */
    public static void ropeNeox(float[] x, int off, int headDim, float[] cos, float[] sin) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            float a = x[off + i], b = x[off + i + half];
            x[off + i] = a * cos[i] - b * sin[i];
            x[off + i + half] = a * sin[i] + b * cos[i];
        }
    }

    /** SwiGLU in place: {@code gate[go+i] = silu(gate[go+i]) · up[uo+i]}, with {@code silu(g) = g/(1+e^-g)}. */
    public static void swiglu(float[] gate, int go, float[] up, int uo, int n) {
        int i = 0;
        if (n >= F.length()) {
            // one exp per FFN element (~100k per token at 1.2B): the vectorised exp keeps this well under a millisecond
            FloatVector one = FloatVector.broadcast(F, 1f);
            int bound = F.loopBound(n);
            for (; i < bound; i += F.length()) {
                FloatVector g = FloatVector.fromArray(F, gate, go + i);
                FloatVector sig = one.div(one.add(g.neg().lanewise(VectorOperators.EXP)));
                g.mul(sig).mul(FloatVector.fromArray(F, up, uo + i)).intoArray(gate, go + i);
            }
        }
        for (; i < n; i++) {
            float g = gate[go + i];
            gate[go + i] = g / (1f + (float) Math.exp(-g)) * up[uo + i];
        }
    }

    /** {@code y[yo+i] = a[ao+i] · b[bo+i]} for {@code i < n}; {@code y} may alias an input. */
    public static void mul(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) y[yo + i] = a[ao + i] * b[bo + i];
    }

    /** Index of the largest value in {@code x[off .. off+n)} (the first one on ties). */
    public static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[off + i] > x[off + best]) best = i;
        return best;
    }
}
