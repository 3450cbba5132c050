package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Grouped-query attention of one decode token over the KV cache: one work-group of {@link #LOCAL} work-items per
 * query head. Scores go to a global scratch row per head; the softmax subtracts the maximum score before the
 * exponentials (so large scores cannot overflow) and the weighted sum of values is divided by the sum at the end.
 * Cache layout: {@code cache[cacheOffset + pos·kvDim + kvHead·headDim + i]}; query head h reads KV head
 * h / (heads/kvHeads). The sequence length is position + 1, read from the step array.
 */
public final class AttentionKernels {
    private AttentionKernels() {}

    public static final int LOCAL = 64;

    public static void attention(KernelContext ctx, FloatArray q, FloatArray keyCache, FloatArray valueCache,
                                 FloatArray scores, FloatArray out, IntArray step, int headDim, int kvDim, int group,
                                 int context, int cacheOffset, float scale) {
        int h = ctx.groupIdx;
        int lid = ctx.localIdx;
        float[] red = ctx.allocateFloatLocalArray(LOCAL);
        int len = step.get(Step.POSITION) + 1;
        int qo = h * headDim;
        int kvo = cacheOffset + (h / group) * headDim;
        int so = h * context;

        float max = -3.4e38f;
        for (int j = lid; j < len; j += LOCAL) {
            int ko = kvo + j * kvDim;
            float s = 0f;
            for (int i = 0; i < headDim; i++) {
                s += q.get(qo + i) * keyCache.get(ko + i);
            }
            s = s * scale;
            scores.set(so + j, s);
            max = TornadoMath.max(max, s);
        }
        red[lid] = max;
        ctx.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                red[lid] = TornadoMath.max(red[lid], red[lid + stride]);
            }
            ctx.localBarrier();
        }
        float m = red[0];
        ctx.localBarrier();

        float sum = 0f;
        for (int j = lid; j < len; j += LOCAL) {
            float e = TornadoMath.exp(scores.get(so + j) - m);
            scores.set(so + j, e);
            sum += e;
        }
        red[lid] = sum;
        // the weighted sum below reads exponentials written by other work-items: a global fence as well
        ctx.globalBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                red[lid] += red[lid + stride];
            }
            ctx.localBarrier();
        }
        float inv = 1f / red[0];

        for (int i = lid; i < headDim; i += LOCAL) {
            float acc = 0f;
            for (int j = 0; j < len; j++) {
                acc += scores.get(so + j) * valueCache.get(kvo + j * kvDim + i);
            }
            out.set(qo + i, acc * inv);
        }
    }

    public static void attentionCpu(FloatArray q, FloatArray keyCache, FloatArray valueCache, FloatArray out,
                                    IntArray step, int heads, int headDim, int kvDim, int group, int cacheOffset,
                                    float scale) {
        int len = step.get(Step.POSITION) + 1;
        float[] s = new float[len];
        for (int h = 0; h < heads; h++) {
            int qo = h * headDim, kvo = cacheOffset + (h / group) * headDim;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < len; j++) {
                float d = 0f;
                for (int i = 0; i < headDim; i++) d += q.get(qo + i) * keyCache.get(kvo + j * kvDim + i);
                s[j] = d * scale;
                max = Math.max(max, s[j]);
            }
            float sum = 0f;
            for (int j = 0; j < len; j++) {
                s[j] = (float) Math.exp(s[j] - max);
                sum += s[j];
            }
            for (int i = 0; i < headDim; i++) {
                float acc = 0f;
                for (int j = 0; j < len; j++) acc += s[j] * valueCache.get(kvo + j * kvDim + i);
                out.set(qo + i, acc / sum);
            }
        }
    }

    /** Positions per work-group in the split (flash-decoding) form. */
    public static final int CHUNK = 128;

    /** Number of position chunks for a context, i.e. work-groups per head of {@link #attentionSplit}. */
    public static int splits(int context) {
        return (context + CHUNK - 1) / CHUNK;
    }

    /**
     * First half of the split (flash-decoding) form, for long contexts where one work-group per head leaves most of
     * a GPU idle: work-group g handles head g / splits over positions [CHUNK·(g % splits), +CHUNK) ∩ [0, len), and
     * writes its maximum score, the sum of exp(score - max), and the unnormalised exp-weighted sum of values
     * ({@code partOut[g·headDim + i]}). A chunk past the sequence writes max = -3.4e38, sum = 0, out = 0.
     * {@link #attentionCombine} merges the chunks of each head.
     */
    public static void attentionSplit(KernelContext ctx, FloatArray q, FloatArray keyCache, FloatArray valueCache,
                                      FloatArray scores, FloatArray partMax, FloatArray partSum, FloatArray partOut,
                                      IntArray step, int headDim, int kvDim, int group, int context, int splits,
                                      int cacheOffset, float scale) {
        int g = ctx.groupIdx;
        int lid = ctx.localIdx;
        float[] red = ctx.allocateFloatLocalArray(LOCAL);
        int h = g / splits;
        int start = (g - h * splits) * CHUNK;
        int end = TornadoMath.min(step.get(Step.POSITION) + 1, start + CHUNK);
        int qo = h * headDim;
        int kvo = cacheOffset + (h / group) * headDim;
        int so = h * context;

        float max = -3.4e38f;
        for (int j = start + lid; j < end; j += LOCAL) {
            int ko = kvo + j * kvDim;
            float s = 0f;
            for (int i = 0; i < headDim; i++) {
                s += q.get(qo + i) * keyCache.get(ko + i);
            }
            s = s * scale;
            scores.set(so + j, s);
            max = TornadoMath.max(max, s);
        }
        red[lid] = max;
        ctx.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                red[lid] = TornadoMath.max(red[lid], red[lid + stride]);
            }
            ctx.localBarrier();
        }
        float m = red[0];
        ctx.localBarrier();

        float sum = 0f;
        for (int j = start + lid; j < end; j += LOCAL) {
            float e = TornadoMath.exp(scores.get(so + j) - m);
            scores.set(so + j, e);
            sum += e;
        }
        red[lid] = sum;
        ctx.globalBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                red[lid] += red[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            partMax.set(g, m);
            partSum.set(g, red[0]);
        }
        for (int i = lid; i < headDim; i += LOCAL) {
            float acc = 0f;
            for (int j = start; j < end; j++) {
                acc += scores.get(so + j) * valueCache.get(kvo + j * kvDim + i);
            }
            partOut.set(g * headDim + i, acc);
        }
    }

    /**
     * Second half of the split form: one work-group per head rescales each chunk by exp(chunkMax - headMax) and
     * divides the merged weighted sum by the merged sum of exponentials.
     */
    public static void attentionCombine(KernelContext ctx, FloatArray partMax, FloatArray partSum, FloatArray partOut,
                                        FloatArray out, int headDim, int splits) {
        int h = ctx.groupIdx;
        int lid = ctx.localIdx;
        int first = h * splits;
        float m = -3.4e38f;
        for (int s = 0; s < splits; s++) {
            m = TornadoMath.max(m, partMax.get(first + s));
        }
        float den = 0f;
        for (int s = 0; s < splits; s++) {
            den += TornadoMath.exp(partMax.get(first + s) - m) * partSum.get(first + s);
        }
        for (int i = lid; i < headDim; i += LOCAL) {
            float num = 0f;
            for (int s = 0; s < splits; s++) {
                num += TornadoMath.exp(partMax.get(first + s) - m) * partOut.get((first + s) * headDim + i);
            }
            out.set(h * headDim + i, num / den);
        }
    }

    /** Twin of {@link #attentionSplit} followed by {@link #attentionCombine}: the same chunked arithmetic. */
    public static void attentionSplitCpu(FloatArray q, FloatArray keyCache, FloatArray valueCache, FloatArray out,
                                         IntArray step, int heads, int headDim, int kvDim, int group, int splits,
                                         int cacheOffset, float scale) {
        int len = step.get(Step.POSITION) + 1;
        for (int h = 0; h < heads; h++) {
            int qo = h * headDim, kvo = cacheOffset + (h / group) * headDim;
            float[] pm = new float[splits], ps = new float[splits], po = new float[splits * headDim];
            for (int sp = 0; sp < splits; sp++) {
                int start = sp * CHUNK, end = Math.min(len, start + CHUNK);
                float m = -3.4e38f;
                float[] e = new float[Math.max(0, end - start)];
                for (int j = start; j < end; j++) {
                    float d = 0f;
                    for (int i = 0; i < headDim; i++) d += q.get(qo + i) * keyCache.get(kvo + j * kvDim + i);
                    e[j - start] = d * scale;
                    m = Math.max(m, e[j - start]);
                }
                float sum = 0f;
                for (int j = 0; j < e.length; j++) sum += e[j] = (float) Math.exp(e[j] - m);
                pm[sp] = m;
                ps[sp] = sum;
                for (int i = 0; i < headDim; i++) {
                    float acc = 0f;
                    for (int j = start; j < end; j++) acc += e[j - start] * valueCache.get(kvo + j * kvDim + i);
                    po[sp * headDim + i] = acc;
                }
            }
            float m = -3.4e38f, den = 0f;
            for (float v : pm) m = Math.max(m, v);
            for (int sp = 0; sp < splits; sp++) den += (float) Math.exp(pm[sp] - m) * ps[sp];
            for (int i = 0; i < headDim; i++) {
                float num = 0f;
                for (int sp = 0; sp < splits; sp++) num += (float) Math.exp(pm[sp] - m) * po[sp * headDim + i];
                out.set(qo + i, num / den);
            }
        }
    }
}
