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
        float scale = rmsScale(ctx, part, s, n, eps);
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
            float scale = rmsScale(ctx, part, s, headDim, eps);
            normRotate(q, o, qNorm, scale, cos, sin, rope, half, half, q, o, lid);
        } else {
            int o = (g - heads) * headDim;
            int dst = cacheOffset + step.get(Step.POSITION) * kvDim + o;
            int write = step.get(Step.BATCH) == 0 ? headDim : 0;
            float s = 0f;
            for (int i = lid; i < headDim; i += LOCAL) {
                float a = k.get(o + i);
                s += a * a;
            }
            float scale = rmsScale(ctx, part, s, headDim, eps);
            normRotate(k, o, kNorm, scale, cos, sin, rope, half, write >> 1, keyCache, dst, lid);
            for (int i = lid; i < write; i += LOCAL) {
                valueCache.set(dst + i, v.get(o + i));
            }
        }
    }

    /*
     * The helpers below are shared by these kernels and PrefillNormKernels. Graal inlines them into each kernel before
     * TornadoVM emits OpenCL (the local array and the barriers included), so a kernel compiles as if written out.
     */

    /**
     * {@code 1 / sqrt(Σ/n + eps)} where Σ is the sum of the work-group's {@link #LOCAL} partial sums {@code s} (a tree
     * reduction in {@code part}, a local array of LOCAL floats). Every work-item of the group must call it: it holds
     * barriers.
     */
    static float rmsScale(KernelContext ctx, float[] part, float s, int n, float eps) {
        int lid = ctx.localIdx;
        part[lid] = s;
        ctx.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                part[lid] += part[lid + stride];
            }
            ctx.localBarrier();
        }
        return 1f / TornadoMath.sqrt(part[0] / n + eps);
    }

    /**
     * One head: normalises {@code src[o..]} by {@code scale · w} and rotates pairs (i, i + half), i < {@code count},
     * NEOX style by the angles at {@code cos/sin[rope + i]}, into {@code dst[d..]} ({@code dst} may be {@code src}
     * with {@code d == o}: each work-item reads a pair before writing it). No barriers.
     */
    static void normRotate(FloatArray src, int o, FloatArray w, float scale, FloatArray cos, FloatArray sin, int rope,
                           int half, int count, FloatArray dst, int d, int lid) {
        for (int i = lid; i < count; i += LOCAL) {
            float a = src.get(o + i) * scale * w.get(i);
            float b = src.get(o + i + half) * scale * w.get(i + half);
            float c = cos.get(rope + i);
            float sn = sin.get(rope + i);
            dst.set(d + i, a * c - b * sn);
            dst.set(d + i + half, a * sn + b * c);
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
