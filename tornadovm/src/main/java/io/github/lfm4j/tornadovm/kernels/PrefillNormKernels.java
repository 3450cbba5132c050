package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * The norms of {@link NormKernels} over the {@code n = step[BATCH]} token rows of a prefill chunk: RMSNorm per row,
 * and per-head q/k RMSNorm + NEOX RoPE + KV append for the positions {@code step[POSITION] + t}. Work-groups of
 * rows past n return at once (a decode step, n = 0, costs only the launch).
 */
public final class PrefillNormKernels {
    private PrefillNormKernels() {}

    public static final int LOCAL = NormKernels.LOCAL;

    /** One work-group of LOCAL per row, {@code maxBatch} groups: {@code out[t] = rmsnorm(x[t]) · w} for t < n. */
    public static void rmsnorm(KernelContext ctx, FloatArray x, FloatArray w, FloatArray out, IntArray step, int dim,
                               float eps) {
        int t = ctx.groupIdx;
        int lid = ctx.localIdx;
        // no early exit: PoCL miscompiles barriers inside an if (see MatMulKernels); rows past n sum nothing
        int len = t < step.get(Step.BATCH) ? dim : 0;
        {
            int o = t * dim;
            float s = 0f;
            for (int i = lid; i < len; i += LOCAL) {
                float v = x.get(o + i);
                s += v * v;
            }
            float scale = NormKernels.rmsScale(ctx, s, dim, eps);
            for (int i = lid; i < len; i += LOCAL) {
                out.set(o + i, x.get(o + i) * scale * w.get(i));
            }
        }
    }

    public static void rmsnormCpu(FloatArray x, FloatArray w, FloatArray out, int n, int dim, float eps) {
        for (int t = 0; t < n; t++) {
            float s = 0f;
            for (int i = 0; i < dim; i++) s += x.get(t * dim + i) * x.get(t * dim + i);
            float scale = (float) (1.0 / Math.sqrt(s / dim + eps));
            for (int i = 0; i < dim; i++) out.set(t * dim + i, x.get(t * dim + i) * scale * w.get(i));
        }
    }

    /**
     * {@code maxBatch · (heads + kvHeads)} work-groups of LOCAL; group g takes token t = g / (heads + kvHeads) and
     * head g % (heads + kvHeads) (queries first, then keys), exactly as {@link NormKernels#qkNormRopeAppend} does for
     * one token, with q row t at {@code t·heads·headDim}, k/v row t at {@code t·kvDim}, and position
     * {@code step[POSITION] + t} for the rotation and the cache slot.
     */
    public static void qkNormRopeAppend(KernelContext ctx, FloatArray q, FloatArray k, FloatArray v, FloatArray qNorm,
                                        FloatArray kNorm, FloatArray cos, FloatArray sin, IntArray step,
                                        FloatArray keyCache, FloatArray valueCache, int heads, int kvHeads,
                                        int headDim, int kvDim, int cacheOffset, float eps) {
        int all = heads + kvHeads;
        int t = ctx.groupIdx / all;
        int g = ctx.groupIdx - t * all;
        int lid = ctx.localIdx;
        // no early exit: PoCL miscompiles barriers inside an if (see MatMulKernels); rows past n touch nothing
        int len = t < step.get(Step.BATCH) ? headDim : 0;
        {
            int half = len >> 1;
            int pos = step.get(Step.POSITION) + t;
            int rope = pos * half;
            int o;
            if (g < heads) {
                o = t * heads * headDim + g * headDim;
            } else {
                o = t * kvDim + (g - heads) * headDim;
            }
            float s = 0f;
            for (int i = lid; i < len; i += LOCAL) {
                float a = g < heads ? q.get(o + i) : k.get(o + i);
                s += a * a;
            }
            float scale = NormKernels.rmsScale(ctx, s, headDim, eps);
            if (g < heads) {
                NormKernels.normRotate(q, o, qNorm, scale, cos, sin, rope, half, half, q, o, lid);
            } else {
                int dst = cacheOffset + pos * kvDim + (g - heads) * headDim;
                NormKernels.normRotate(k, o, kNorm, scale, cos, sin, rope, half, half, keyCache, dst, lid);
                for (int i = lid; i < len; i += LOCAL) {
                    valueCache.set(dst + i, v.get(o + i));
                }
            }
        }
    }

    /** Twin of {@link #qkNormRopeAppend}: the one-token twin applied to each row. */
    public static void qkNormRopeAppendCpu(FloatArray q, FloatArray k, FloatArray v, FloatArray qNorm, FloatArray kNorm,
                                           FloatArray cos, FloatArray sin, IntArray step, FloatArray keyCache,
                                           FloatArray valueCache, int heads, int kvHeads, int headDim, int kvDim,
                                           int cacheOffset, float eps) {
        int n = step.get(Step.BATCH), qDim = heads * headDim;
        for (int t = 0; t < n; t++) {
            FloatArray qt = slice(q, t * qDim, qDim), kt = slice(k, t * kvDim, kvDim), vt = slice(v, t * kvDim, kvDim);
            IntArray one = new IntArray(Step.SIZE);
            one.set(Step.POSITION, step.get(Step.POSITION) + t);
            NormKernels.qkNormRopeAppendCpu(qt, kt, vt, qNorm, kNorm, cos, sin, one, keyCache, valueCache, heads,
                    kvHeads, headDim, kvDim, cacheOffset, eps);
            for (int i = 0; i < qDim; i++) q.set(t * qDim + i, qt.get(i));
        }
    }

    private static FloatArray slice(FloatArray a, int from, int n) {
        FloatArray s = new FloatArray(n);
        for (int i = 0; i < n; i++) s.set(i, a.get(from + i));
        return s;
    }
}
