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
        float s = 0f;
        for (int i = lid; i < n; i += LOCAL) {
            float v = x.get(i);
            s += v * v;
        }
        float scale = rmsScale(ctx, s, n, eps);
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
        int half = headDim >> 1;
        int rope = step.get(Step.POSITION) * half;
        if (g < heads) {
            int o = g * headDim;
            float s = 0f;
            for (int i = lid; i < headDim; i += LOCAL) {
                float a = q.get(o + i);
                s += a * a;
            }
            float scale = rmsScale(ctx, s, headDim, eps);
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
            float scale = rmsScale(ctx, s, headDim, eps);
            normRotate(k, o, kNorm, scale, cos, sin, rope, half, write >> 1, keyCache, dst, lid);
            for (int i = lid; i < write; i += LOCAL) {
                valueCache.set(dst + i, v.get(o + i));
            }
        }
    }

    /*
     * The helpers below are shared by these kernels and PrefillNormKernels. Graal inlines them into each kernel before
     * TornadoVM emits OpenCL, barriers included; the emitted code matches the former written-out kernels statement for
     * statement but for the one difference noted at rmsScale.
     */

    /**
     * {@code 1 / sqrt(Σ/n + eps)} where Σ is the sum of the work-group's {@link #LOCAL} partial sums {@code s}, added
     * by a tree reduction in local memory. Every work-item of the group must call it: it holds barriers. It allocates
     * its local array itself: one passed in as an argument was indexed like a Java heap array (16-byte header, byte
     * offsets) in the emitted OpenCL, i.e. past its end; one allocated here is indexed correctly. A kernel calling it
     * twice (the q and k branches of {@link #qkNormRopeAppend}) gets two arrays of LOCAL floats.
     */
    static float rmsScale(KernelContext ctx, float s, int n, float eps) {
        int lid = ctx.localIdx;
        float[] part = ctx.allocateFloatLocalArray(LOCAL);
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
