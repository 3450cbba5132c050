package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Causal grouped-query attention of the {@code n = step[BATCH]} queries of a prefill chunk over the KV cache (which
 * already holds the chunk's own keys and values): query t attends to positions {@code 0 .. step[POSITION] + t}.
 * One work-group of {@link #LOCAL} per (token, head), {@code maxBatch · heads} groups. The group walks the keys in
 * blocks of LOCAL with an online softmax (running maximum and sum, the accumulated values rescaled whenever the
 * maximum grows), so no scores buffer of heads × n × context is needed: the context may be 32k. The query and the
 * value accumulator live in local memory (at most {@link #MAX_HEAD_DIM} each). Cache layout as in
 * {@link AttentionKernels}; query row t of head h at {@code t·heads·headDim + h·headDim}, the output likewise.
 */
public final class PrefillAttentionKernels {
    private PrefillAttentionKernels() {}

    public static final int LOCAL = 64;
    /** Largest head dimension the local arrays hold (LFM2: 64). */
    public static final int MAX_HEAD_DIM = 256;

    public static void attention(KernelContext ctx, FloatArray q, FloatArray keyCache, FloatArray valueCache,
                                 FloatArray out, IntArray step, int heads, int headDim, int kvDim, int group,
                                 int cacheOffset, float scale) {
        int t = ctx.groupIdx / heads;
        int h = ctx.groupIdx - t * heads;
        int lid = ctx.localIdx;
        float[] qs = ctx.allocateFloatLocalArray(MAX_HEAD_DIM);
        float[] acc = ctx.allocateFloatLocalArray(MAX_HEAD_DIM);
        float[] p = ctx.allocateFloatLocalArray(LOCAL);
        float[] red = ctx.allocateFloatLocalArray(LOCAL);
        // no early exit: PoCL miscompiles barriers inside an if (see MatMulKernels); rows past n walk no keys
        boolean active = t < step.get(Step.BATCH);
        {
            int qo = t * heads * headDim + h * headDim;
            int kvo = cacheOffset + (h / group) * headDim;
            int len = active ? step.get(Step.POSITION) + t + 1 : 0;
            int dims = active ? headDim : 0;
            for (int i = lid; i < dims; i += LOCAL) {
                qs[i] = q.get(qo + i);
                acc[i] = 0f;
            }
            ctx.localBarrier();
            float m = -3.4e38f;
            float l = 0f;
            for (int base = 0; base < len; base += LOCAL) {
                int j = base + lid;
                float s = -3.4e38f;
                if (j < len) {
                    int ko = kvo + j * kvDim;
                    float d = 0f;
                    for (int i = 0; i < headDim; i++) {
                        d += qs[i] * keyCache.get(ko + i);
                    }
                    s = d * scale;
                }
                red[lid] = s;
                ctx.localBarrier();
                for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                    if (lid < stride) {
                        red[lid] = TornadoMath.max(red[lid], red[lid + stride]);
                    }
                    ctx.localBarrier();
                }
                float mNew = TornadoMath.max(m, red[0]);
                ctx.localBarrier();
                float e = 0f;
                if (j < len) {
                    e = TornadoMath.exp(s - mNew);
                }
                p[lid] = e;
                red[lid] = e;
                ctx.localBarrier();
                for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                    if (lid < stride) {
                        red[lid] += red[lid + stride];
                    }
                    ctx.localBarrier();
                }
                // the first block has key 0, so m is finite from then on and exp(-3.4e38 - mNew) = 0 scales the
                // empty start away
                float correction = TornadoMath.exp(m - mNew);
                l = l * correction + red[0];
                int count = TornadoMath.min(LOCAL, len - base);
                for (int i = lid; i < headDim; i += LOCAL) {
                    float a = acc[i] * correction;
                    for (int jj = 0; jj < count; jj++) {
                        a += p[jj] * valueCache.get(kvo + (base + jj) * kvDim + i);
                    }
                    acc[i] = a;
                }
                m = mNew;
                ctx.localBarrier();
            }
            for (int i = lid; i < dims; i += LOCAL) {
                out.set(qo + i, acc[i] / l);
            }
        }
    }

    /** Twin: the one-token twin {@link AttentionKernels#attentionCpu} (two-pass softmax) for each query row. */
    public static void attentionCpu(FloatArray q, FloatArray keyCache, FloatArray valueCache, FloatArray out,
                                    IntArray step, int heads, int headDim, int kvDim, int group, int cacheOffset,
                                    float scale) {
        int n = step.get(Step.BATCH), qDim = heads * headDim;
        FloatArray qt = new FloatArray(qDim), ot = new FloatArray(qDim);
        IntArray one = new IntArray(Step.SIZE);
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < qDim; i++) qt.set(i, q.get(t * qDim + i));
            one.set(Step.POSITION, step.get(Step.POSITION) + t);
            AttentionKernels.attentionCpu(qt, keyCache, valueCache, ot, one, heads, headDim, kvDim, group, cacheOffset,
                    scale);
            for (int i = 0; i < qDim; i++) out.set(t * qDim + i, ot.get(i));
        }
    }
}
