package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * SwiGLU, the token-embedding lookup (one row of the embedding matrix, in each weight layout of
 * {@link MatVecKernels}, for the token in the step array), and greedy argmax. Element-wise kernels take one
 * work-item per element; launch a multiple of 64 covering {@code n} (they check the bound).
 */
public final class ElementwiseKernels {
    private ElementwiseKernels() {}

    /** Work-items of the single work-group of {@link #argmax}. */
    public static final int ARGMAX_LOCAL = 256;

    /** {@code gate[i] = silu(gate[i]) · up[i]}, {@code silu(g) = g / (1 + e^-g)}. */
    public static void swiglu(KernelContext ctx, FloatArray gate, FloatArray up, int n) {
        int i = ctx.globalIdx;
        if (i < n) {
            float g = gate.get(i);
            gate.set(i, g / (1f + TornadoMath.exp(-g)) * up.get(i));
        }
    }

    public static void swigluCpu(FloatArray gate, FloatArray up, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate.get(i);
            gate.set(i, g / (1f + (float) Math.exp(-g)) * up.get(i));
        }
    }

    public static void embedF32(KernelContext ctx, FloatArray w, IntArray step, FloatArray x, int dim) {
        int i = ctx.globalIdx;
        if (i < dim) {
            x.set(i, w.get(step.get(Step.TOKEN) * dim + i));
        }
    }

    public static void embedF16(KernelContext ctx, ShortArray w, IntArray step, FloatArray x, int dim) {
        int i = ctx.globalIdx;
        if (i < dim) {
            x.set(i, F16Bits.toFloat(w.get(step.get(Step.TOKEN) * dim + i)));
        }
    }

    public static void embedQ8(KernelContext ctx, ByteArray q, FloatArray scales, IntArray step, FloatArray x, int dim) {
        int i = ctx.globalIdx;
        if (i < dim) {
            int at = step.get(Step.TOKEN) * dim + i;
            x.set(i, scales.get(at >> 5) * q.get(at));
        }
    }

    public static void embedQ4(KernelContext ctx, ByteArray packed, FloatArray scales, IntArray step, FloatArray x, int dim) {
        int i = ctx.globalIdx;
        if (i < dim) {
            int row = step.get(Step.TOKEN);
            int block = i >> 5;
            int within = i & 31;
            int v = packed.get(row * (dim >> 1) + (block << 4) + (within & 15)) & 0xFF;
            int nibble = within < 16 ? (v & 15) : (v >> 4);
            x.set(i, scales.get(row * (dim >> 5) + block) * ((float) nibble - 8f)); // float first: see MatVecKernels
        }
    }

    /** Q4_K, Q5_K, Q6_K ({@code layout}): each element decoded from the row's super-blocks ({@link KQuantBlocks}). */
    public static void embedKQuant(KernelContext ctx, ByteArray blocks, IntArray step, FloatArray x, int dim,
                                   int layout) {
        int i = ctx.globalIdx;
        if (i < dim) {
            int unit = i >> 5;
            int sb = KQuantBlocks.superBlock(step.get(Step.TOKEN), dim, unit, layout);
            x.set(i, KQuantBlocks.weight(blocks, sb, unit & 7, i & 31, layout));
        }
    }

    /** Row {@code token} of an embedding matrix in any layout, as floats (the twin of the embed kernels). */
    public static void embedCpu(DeviceMatrix m, int token, FloatArray x) {
        for (int i = 0; i < m.cols(); i++) x.set(i, m.value(token, i));
    }

    /**
     * Index of the largest of {@code x[0 .. n)}, the lowest index on ties (as the CPU sampler's argmax), into
     * {@code result[0]}. One work-group of {@link #ARGMAX_LOCAL} work-items.
     */
    public static void argmax(KernelContext ctx, FloatArray x, IntArray result, int n) {
        int lid = ctx.localIdx;
        float[] val = ctx.allocateFloatLocalArray(ARGMAX_LOCAL);
        int[] idx = ctx.allocateIntLocalArray(ARGMAX_LOCAL);
        float best = -3.4e38f;
        int bestIdx = n;
        for (int i = lid; i < n; i += ARGMAX_LOCAL) {
            float v = x.get(i);
            if (v > best || bestIdx == n) {
                best = v;
                bestIdx = i;
            }
        }
        val[lid] = best;
        idx[lid] = bestIdx;
        ctx.localBarrier();
        for (int stride = ARGMAX_LOCAL / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                float o = val[lid + stride];
                int oi = idx[lid + stride];
                if (oi < n && (o > val[lid] || (o == val[lid] && oi < idx[lid]) || idx[lid] == n)) {
                    val[lid] = o;
                    idx[lid] = oi;
                }
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            result.set(0, idx[0]);
        }
    }

    public static int argmaxCpu(FloatArray x, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x.get(i) > x.get(best)) best = i;
        return best;
    }
}
