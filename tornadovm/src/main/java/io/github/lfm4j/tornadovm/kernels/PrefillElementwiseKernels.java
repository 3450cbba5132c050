package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * Element-wise kernels over the {@code n = step[BATCH]} token rows of a prefill chunk: the embedding of the chunk's
 * token ids ({@code step[TOKENS + t]}) in each weight layout, SwiGLU, and the copy of the last row of the residual
 * stream into the decode graphs' vector, which the head (final norm, logits, argmax) then reads. One work-item per
 * element; launch a multiple of 64 covering {@code maxBatch} rows (elements of rows past n are left alone).
 */
public final class PrefillElementwiseKernels {
    private PrefillElementwiseKernels() {}

    public static void embedF32(KernelContext ctx, FloatArray w, IntArray step, FloatArray x, int dim) {
        int i = ctx.globalIdx;
        int t = i / dim;
        if (t < step.get(Step.BATCH)) {
            x.set(i, w.get(step.get(Step.TOKENS + t) * dim + i - t * dim));
        }
    }

    /** F16: ggml's half bits, converted on the device by {@link F16Bits}. */
    public static void embedF16(KernelContext ctx, ShortArray w, IntArray step, FloatArray x, int dim) {
        int i = ctx.globalIdx;
        int t = i / dim;
        if (t < step.get(Step.BATCH)) {
            x.set(i, F16Bits.toFloat(w.get(step.get(Step.TOKENS + t) * dim + i - t * dim)));
        }
    }

    public static void embedQ8(KernelContext ctx, ByteArray q, FloatArray scales, IntArray step, FloatArray x, int dim) {
        int i = ctx.globalIdx;
        int t = i / dim;
        if (t < step.get(Step.BATCH)) {
            int at = step.get(Step.TOKENS + t) * dim + i - t * dim;
            x.set(i, scales.get(at >> 5) * q.get(at));
        }
    }

    public static void embedQ4(KernelContext ctx, ByteArray packed, FloatArray scales, IntArray step, FloatArray x,
                               int dim) {
        int i = ctx.globalIdx;
        int t = i / dim;
        if (t < step.get(Step.BATCH)) {
            int row = step.get(Step.TOKENS + t);
            int col = i - t * dim;
            int block = col >> 5;
            int within = col & 31;
            int v = packed.get(row * (dim >> 1) + (block << 4) + (within & 15)) & 0xFF;
            int nibble = within < 16 ? (v & 15) : (v >> 4);
            x.set(i, scales.get(row * (dim >> 5) + block) * ((float) nibble - 8f)); // float first: see MatVecKernels
        }
    }

    /** Q4_K, Q5_K, Q6_K ({@code layout}): each element decoded from its row's super-blocks ({@link KQuantBlocks}). */
    public static void embedKQuant(KernelContext ctx, ByteArray blocks, IntArray step, FloatArray x, int dim,
                                   int layout) {
        int i = ctx.globalIdx;
        int t = i / dim;
        if (t < step.get(Step.BATCH)) {
            int col = i - t * dim;
            int unit = col >> 5;
            int sb = KQuantBlocks.superBlock(step.get(Step.TOKENS + t), dim, unit, layout);
            x.set(i, KQuantBlocks.weight(blocks, sb, unit & 7, col & 31, layout));
        }
    }

    /** Twin of the embed kernels: row {@code step[TOKENS + t]} of the matrix, decoded on the host, for each t < n. */
    public static void embedCpu(DeviceMatrix m, IntArray step, FloatArray x) {
        int dim = m.cols();
        for (int t = 0; t < step.get(Step.BATCH); t++) {
            for (int i = 0; i < dim; i++) x.set(t * dim + i, m.value(step.get(Step.TOKENS + t), i));
        }
    }

    /** {@code gate[t·width + i] = silu(gate) · up} for the n rows of {@code width} elements. */
    public static void swiglu(KernelContext ctx, FloatArray gate, FloatArray up, IntArray step, int width) {
        int i = ctx.globalIdx;
        if (i < step.get(Step.BATCH) * width) {
            float g = gate.get(i);
            gate.set(i, g / (1f + TornadoMath.exp(-g)) * up.get(i));
        }
    }

    public static void swigluCpu(FloatArray gate, FloatArray up, int n, int width) {
        ElementwiseKernels.swigluCpu(gate, up, n * width);
    }

    /** {@code x = xs[n-1]}: the chunk's last residual row, for the head. Nothing when n = 0. */
    public static void lastRow(KernelContext ctx, FloatArray xs, FloatArray x, IntArray step, int dim) {
        int i = ctx.globalIdx;
        int n = step.get(Step.BATCH);
        if (i < dim && n > 0) {
            x.set(i, xs.get((n - 1) * dim + i));
        }
    }

    public static void lastRowCpu(FloatArray xs, FloatArray x, int n, int dim) {
        for (int i = 0; i < dim; i++) x.set(i, xs.get((n - 1) * dim + i));
    }
}
