package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * The feed-forward block's first half in one kernel: {@code out[r] = silu(gate_r·x) · (up_r·x)}, the gate and up
 * products of {@link MatVecKernels} (same layouts, one work-group of {@code groupSize} work-items per row)
 * followed by SwiGLU. One launch instead of three, and x is read once for both matrices. Both matrices must have
 * the same layout; the quantized ones take x rounded to int8 ({@link Int8Input}).
 */
public final class FfnKernels {
    private FfnKernels() {}

    /**
     * F32 and F16, as {@link MatVecKernels#unquantized}: {@code layout} ({@link MatMulKernels#F32} or
     * {@link MatMulKernels#F16}) says whether the weights are in the {@code *Values} or the {@code *Halves} arrays; the
     * others are stand-ins that are never read.
     */
    public static void unquantized(KernelContext ctx, FloatArray gateValues, ShortArray gateHalves, FloatArray upValues,
                                   ShortArray upHalves, FloatArray x, FloatArray out, int cols, int groupSize, int layout) {
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        int base = row * cols;
        float sg = 0f;
        float su = 0f;
        for (int j = lid; j < cols; j += groupSize) {
            float xv = x.get(j);
            if (layout == MatMulKernels.F16) {
                sg += F16Bits.toFloat(gateHalves.get(base + j)) * xv;
                su += F16Bits.toFloat(upHalves.get(base + j)) * xv;
            } else {
                sg += gateValues.get(base + j) * xv;
                su += upValues.get(base + j) * xv;
            }
        }
        storeSwiGLU(ctx, sg, su, groupSize, out, row);
    }

    public static void q8(KernelContext ctx, ByteArray gq, FloatArray gs, ByteArray uq, FloatArray us, IntArray xq,
                          FloatArray xs, FloatArray out, int cols, int groupSize) {
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        int blocks = cols >> 5;
        int base = row * cols;
        int scaleBase = row * blocks;
        float sg = 0f;
        float su = 0f;
        for (int b = lid; b < blocks; b += groupSize) {
            int o = base + (b << 5);
            int xo = b << 5;
            int ag = 0;
            int au = 0;
            for (int j = 0; j < 32; j++) {
                int xv = xq.get(xo + j);
                ag += gq.get(o + j) * xv;
                au += uq.get(o + j) * xv;
            }
            float d = xs.get(b);
            sg += (float) ag * (gs.get(scaleBase + b) * d);
            su += (float) au * (us.get(scaleBase + b) * d);
        }
        storeSwiGLU(ctx, sg, su, groupSize, out, row);
    }

    public static void q4(KernelContext ctx, ByteArray gq, FloatArray gs, ByteArray uq, FloatArray us, IntArray xq,
                          FloatArray xs, FloatArray out, int cols, int groupSize) {
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        int blocks = cols >> 5;
        int base = row * (cols >> 1);
        int scaleBase = row * blocks;
        float sg = 0f;
        float su = 0f;
        for (int b = lid; b < blocks; b += groupSize) {
            int o = base + (b << 4);
            int xo = b << 5;
            int ag = 0;
            int au = 0;
            for (int j = 0; j < 16; j++) {
                int xl = xq.get(xo + j);
                int xh = xq.get(xo + j + 16);
                int vg = gq.get(o + j) & 0xFF;
                int vu = uq.get(o + j) & 0xFF;
                // int arithmetic only, converted once per block (see MatVecKernels on unsigned typing)
                ag += ((vg & 15) - 8) * xl + ((vg >> 4) - 8) * xh;
                au += ((vu & 15) - 8) * xl + ((vu >> 4) - 8) * xh;
            }
            float d = xs.get(b);
            sg += (float) ag * (gs.get(scaleBase + b) * d);
            su += (float) au * (us.get(scaleBase + b) * d);
        }
        storeSwiGLU(ctx, sg, su, groupSize, out, row);
    }

    /**
     * Q4_K, Q5_K, Q6_K ({@code layout} = {@link MatMulKernels#Q4_K}, Q5_K or Q6_K, both matrices): the units of 32
     * of {@link MatVecKernels#kQuant} for gate and up, then SwiGLU.
     */
    public static void kQuant(KernelContext ctx, ByteArray gate, ByteArray up, IntArray xq, FloatArray xs,
                              FloatArray out, int cols, int groupSize, int layout) {
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        int units = cols >> 5;
        float sg = 0f;
        float su = 0f;
        for (int u = lid; u < units; u += groupSize) {
            float xd = xs.get(u);
            if (layout == MatMulKernels.Q6_K) {
                sg += KQuantBlocks.dotQ6K(gate, row, cols, u, xq, xd);
                su += KQuantBlocks.dotQ6K(up, row, cols, u, xq, xd);
            } else {
                sg += KQuantBlocks.dotWithMin(gate, row, cols, u, xq, xd, layout);
                su += KQuantBlocks.dotWithMin(up, row, cols, u, xq, xd, layout);
            }
        }
        storeSwiGLU(ctx, sg, su, groupSize, out, row);
    }

    /**
     * The common tail of the kernels above: adds the work-group's partial gate and up sums (one tree reduction for
     * both; every work-item must call it, it holds barriers) and stores {@code silu(gate) · up} for the row. Inlined
     * by Graal; it allocates its local arrays itself (see MatVecKernels#storeRowSum).
     */
    static void storeSwiGLU(KernelContext ctx, float sg, float su, int groupSize, FloatArray out, int row) {
        int lid = ctx.localIdx;
        float[] pg = ctx.allocateFloatLocalArray(groupSize);
        float[] pu = ctx.allocateFloatLocalArray(groupSize);
        pg[lid] = sg;
        pu[lid] = su;
        ctx.localBarrier();
        for (int stride = groupSize / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                pg[lid] += pg[lid + stride];
                pu[lid] += pu[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            float g = pg[0];
            out.set(row, g / (1f + TornadoMath.exp(-g)) * pu[0]);
        }
    }

    /**
     * Twin: the two matrix-vector twins, then the SwiGLU twin. The quantized layouts take {@code x} rounded to int8
     * ({@code xq}, from {@link Int8InputKernels#quantizeCpu}); F32 and F16 take {@code x} itself ({@code xq} may be null).
     */
    public static void ffnCpu(DeviceMatrix gate, DeviceMatrix up, FloatArray x, Int8Input xq, FloatArray out) {
        FloatArray u = new FloatArray(up.rows());
        MatVecKernels.matvecCpu(gate, x, xq, out, false);
        MatVecKernels.matvecCpu(up, x, xq, u, false);
        ElementwiseKernels.swigluCpu(out, u, gate.rows());
    }
}
