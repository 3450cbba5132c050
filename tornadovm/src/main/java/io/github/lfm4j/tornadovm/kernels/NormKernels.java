package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * RMSNorm ({@code out = x / sqrt(mean(x²) + eps) · w}, as llama.cpp's rms_norm followed by the weight multiply), and
 * the attention layer's per-head q/k RMSNorm fused with NEOX rotary embedding and the KV-cache append.
 */
public final class NormKernels {
    private NormKernels() {}

    /** Work-items of the single work-group of {@link #rmsnorm}, and per head in {@link #qkNormRopeAppend}. */
    public static final int LOCAL = 64;

    /** One work-group of {@link #LOCAL} work-items. {@code out} may be {@code x}. */
    public static void rmsnorm(KernelContext ctx, FloatArray x, FloatArray w, FloatArray out, int n, float eps) {
        int lid = ctx.localIdx;
        float[] part = ctx.allocateFloatLocalArray(LOCAL);
        float s = 0f;
        for (int i = lid; i < n; i += LOCAL) {
            float v = x.get(i);
            s += v * v;
        }
        part[lid] = s;
        ctx.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                part[lid] += part[lid + stride];
            }
            ctx.localBarrier();
        }
        float scale = 1f / TornadoMath.sqrt(part[0] / n + eps);
        for (int i = lid; i < n; i += LOCAL) {
            out.set(i, x.get(i) * scale * w.get(i));
        }
    }

    public static void rmsnormCpu(FloatArray x, FloatArray w, FloatArray out, int n, float eps) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += x.get(i) * x.get(i);
        float scale = (float) (1.0 / Math.sqrt(s / n + eps));
        for (int i = 0; i < n; i++) out.set(i, x.get(i) * scale * w.get(i));
    }

    /**
     * One work-group per head: groups {@code [0, heads)} normalise query head g in place and rotate it; groups
     * {@code [heads, heads + kvHeads)} normalise and rotate key head g - heads and write it, with value head
     * g - heads, into the caches at the step's position ({@code cache[cacheOffset + pos·kvDim + head·headDim + i]}).
     * The rotation pairs element i with i + headDim/2 (NEOX); {@code cos/sin[pos·headDim/2 + i]} is a table
     * computed once on the host in double precision. In a prefill chunk ({@code step[BATCH] > 0}) the caches are
     * left alone ({@link PrefillNormKernels} fills them); the branch avoids an if around the barriers, which PoCL
     * miscompiles (see {@link MatMulKernels}).
     */
    public static void qkNormRopeAppend(KernelContext ctx, FloatArray q, FloatArray k, FloatArray v, FloatArray qNorm,
                                        FloatArray kNorm, FloatArray cos, FloatArray sin, IntArray step,
                                        FloatArray keyCache, FloatArray valueCache, int heads, int headDim, int kvDim,
                                        int cacheOffset, float eps) {
        int g = ctx.groupIdx;
        int lid = ctx.localIdx;
        float[] part = ctx.allocateFloatLocalArray(LOCAL);
        int half = headDim >> 1;
        int rope = step.get(Step.POSITION) * half;
        if (g < heads) {
            int o = g * headDim;
            float s = 0f;
            for (int i = lid; i < headDim; i += LOCAL) {
                float a = q.get(o + i);
                s += a * a;
            }
            part[lid] = s;
            ctx.localBarrier();
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                if (lid < stride) {
                    part[lid] += part[lid + stride];
                }
                ctx.localBarrier();
            }
            float scale = 1f / TornadoMath.sqrt(part[0] / headDim + eps);
            for (int i = lid; i < half; i += LOCAL) {
                float a = q.get(o + i) * scale * qNorm.get(i);
                float b = q.get(o + i + half) * scale * qNorm.get(i + half);
                float c = cos.get(rope + i);
                float sn = sin.get(rope + i);
                q.set(o + i, a * c - b * sn);
                q.set(o + i + half, a * sn + b * c);
            }
        } else {
            int o = (g - heads) * headDim;
            int dst = cacheOffset + step.get(Step.POSITION) * kvDim + o;
            int write = step.get(Step.BATCH) == 0 ? headDim : 0;
            float s = 0f;
            for (int i = lid; i < headDim; i += LOCAL) {
                float a = k.get(o + i);
                s += a * a;
            }
            part[lid] = s;
            ctx.localBarrier();
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                if (lid < stride) {
                    part[lid] += part[lid + stride];
                }
                ctx.localBarrier();
            }
            float scale = 1f / TornadoMath.sqrt(part[0] / headDim + eps);
            for (int i = lid; i < write >> 1; i += LOCAL) {
                float a = k.get(o + i) * scale * kNorm.get(i);
                float b = k.get(o + i + half) * scale * kNorm.get(i + half);
                float c = cos.get(rope + i);
                float sn = sin.get(rope + i);
                keyCache.set(dst + i, a * c - b * sn);
                keyCache.set(dst + i + half, a * sn + b * c);
            }
            for (int i = lid; i < write; i += LOCAL) {
                valueCache.set(dst + i, v.get(o + i));
            }
        }
    }

    public static void qkNormRopeAppendCpu(FloatArray q, FloatArray k, FloatArray v, FloatArray qNorm, FloatArray kNorm,
                                           FloatArray cos, FloatArray sin, IntArray step, FloatArray keyCache,
                                           FloatArray valueCache, int heads, int kvHeads, int headDim, int kvDim,
                                           int cacheOffset, float eps) {
        int half = headDim / 2, pos = step.get(Step.POSITION), rope = pos * half;
        for (int g = 0; g < heads + kvHeads; g++) {
            boolean isQ = g < heads;
            FloatArray src = isQ ? q : k, w = isQ ? qNorm : kNorm;
            int o = (isQ ? g : g - heads) * headDim;
            float s = 0f;
            for (int i = 0; i < headDim; i++) s += src.get(o + i) * src.get(o + i);
            float scale = (float) (1.0 / Math.sqrt(s / headDim + eps));
            FloatArray dst = isQ ? q : keyCache;
            int d = isQ ? o : cacheOffset + pos * kvDim + o;
            for (int i = 0; i < half; i++) {
                float a = src.get(o + i) * scale * w.get(i), b = src.get(o + i + half) * scale * w.get(i + half);
                float c = cos.get(rope + i), sn = sin.get(rope + i);
                dst.set(d + i, a * c - b * sn);
                dst.set(d + i + half, a * sn + b * c);
            }
            if (!isQ) for (int i = 0; i < headDim; i++) valueCache.set(d + i, v.get(o + i));
        }
    }
}
