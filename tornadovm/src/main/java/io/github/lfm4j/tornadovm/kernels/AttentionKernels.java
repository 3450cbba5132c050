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
}
