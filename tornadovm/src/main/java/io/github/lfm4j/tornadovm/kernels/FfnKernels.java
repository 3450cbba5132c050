package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * The feed-forward block's first half in one kernel: {@code out[r] = silu(gate_r·x) · (up_r·x)}, the gate and up
 * products of {@link MatVecKernels} (same layouts, one work-group of {@link MatVecKernels#LOCAL} work-items per row)
 * followed by SwiGLU. One launch instead of three, and x is read once for both matrices. Both matrices must have
 * the same layout.
 */
public final class FfnKernels {
    private FfnKernels() {}

    private static final int LOCAL = MatVecKernels.LOCAL;

    public static void f32(KernelContext ctx, FloatArray gate, FloatArray up, FloatArray x, FloatArray out, int cols) {
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        float[] pg = ctx.allocateFloatLocalArray(LOCAL);
        float[] pu = ctx.allocateFloatLocalArray(LOCAL);
        int base = row * cols;
        float sg = 0f;
        float su = 0f;
        for (int j = lid; j < cols; j += LOCAL) {
            float xv = x.get(j);
            sg += gate.get(base + j) * xv;
            su += up.get(base + j) * xv;
        }
        pg[lid] = sg;
        pu[lid] = su;
        ctx.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
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

    public static void q8(KernelContext ctx, ByteArray gq, FloatArray gs, ByteArray uq, FloatArray us, FloatArray x,
                          FloatArray out, int cols) {
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        float[] pg = ctx.allocateFloatLocalArray(LOCAL);
        float[] pu = ctx.allocateFloatLocalArray(LOCAL);
        int blocks = cols >> 5;
        int base = row * cols;
        int scaleBase = row * blocks;
        float sg = 0f;
        float su = 0f;
        for (int b = lid; b < blocks; b += LOCAL) {
            int o = base + (b << 5);
            int xo = b << 5;
            float ag = 0f;
            float au = 0f;
            for (int j = 0; j < 32; j++) {
                float xv = x.get(xo + j);
                ag += gq.get(o + j) * xv;
                au += uq.get(o + j) * xv;
            }
            sg += ag * gs.get(scaleBase + b);
            su += au * us.get(scaleBase + b);
        }
        pg[lid] = sg;
        pu[lid] = su;
        ctx.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
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

    public static void q4(KernelContext ctx, ByteArray gq, FloatArray gs, ByteArray uq, FloatArray us, FloatArray x,
                          FloatArray out, int cols) {
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        float[] pg = ctx.allocateFloatLocalArray(LOCAL);
        float[] pu = ctx.allocateFloatLocalArray(LOCAL);
        int blocks = cols >> 5;
        int base = row * (cols >> 1);
        int scaleBase = row * blocks;
        float sg = 0f;
        float su = 0f;
        for (int b = lid; b < blocks; b += LOCAL) {
            int o = base + (b << 4);
            int xo = b << 5;
            float ag = 0f;
            float au = 0f;
            for (int j = 0; j < 16; j++) {
                float xl = x.get(xo + j);
                float xh = x.get(xo + j + 16);
                int vg = gq.get(o + j) & 0xFF;
                int vu = uq.get(o + j) & 0xFF;
                // nibbles widened to float before the -8 (see MatVecKernels)
                ag += ((float) (vg & 15) - 8f) * xl + ((float) (vg >> 4) - 8f) * xh;
                au += ((float) (vu & 15) - 8f) * xl + ((float) (vu >> 4) - 8f) * xh;
            }
            sg += ag * gs.get(scaleBase + b);
            su += au * us.get(scaleBase + b);
        }
        pg[lid] = sg;
        pu[lid] = su;
        ctx.localBarrier();
        for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
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

    /** Twin: the two matrix-vector twins, then the SwiGLU twin. */
    public static void ffnCpu(DeviceMatrix gate, DeviceMatrix up, FloatArray x, FloatArray out) {
        int rows = gate.rows(), cols = gate.cols();
        FloatArray u = new FloatArray(rows);
        switch (gate.layout()) {
            case F32 -> {
                MatVecKernels.f32Cpu(gate.values(), x, out, rows, cols, false);
                MatVecKernels.f32Cpu(up.values(), x, u, rows, cols, false);
            }
            case Q8_0 -> {
                MatVecKernels.q8Cpu(gate.quants(), gate.scales(), x, out, rows, cols, false);
                MatVecKernels.q8Cpu(up.quants(), up.scales(), x, u, rows, cols, false);
            }
            case Q4_0 -> {
                MatVecKernels.q4Cpu(gate.quants(), gate.scales(), x, out, rows, cols, false);
                MatVecKernels.q4Cpu(up.quants(), up.scales(), x, u, rows, cols, false);
            }
        }
        ElementwiseKernels.swigluCpu(out, u, rows);
    }
}
