package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Rounds an activation vector to int8 per block of 32 with one float scale per block, bit for bit as the CPU
 * engine's {@code Int8Activations} (and llama.cpp's {@code quantize_row_q8_0}): {@code d = max|x| / 127},
 * {@code q = round-half-even(x · (1/d))} in float, {@code q = 0} for an all-zero block. Same scale and quants as the
 * CPU means the GPU's quantized products round the activations exactly as the CPU engine's decode does, so the two
 * engines differ only by float summation order.
 *
 * <p>The scale and its inverse are divided in double (see the kernel). The rounding is written with a truncating
 * conversion and the exact fraction {@code v - trunc(v)} rather than the CPU's add-1.5·2^23 trick, which an
 * optimizing OpenCL compiler could fold away. One work-item per block; launch with at least {@code n / 32}
 * work-items. Needs fp64 on the device (cl_khr_fp64: PoCL and the usual discrete GPUs have it).
 */
public final class Int8InputKernels {
    private Int8InputKernels() {}

    public static void quantize(KernelContext ctx, FloatArray x, IntArray quants, FloatArray scales, int n) {
        int b = ctx.globalIdx;
        if (b >= (n >> 5)) {
            return;
        }
        int base = b << 5;
        float amax = 0f;
        for (int j = 0; j < 32; j++) {
            amax = TornadoMath.max(amax, TornadoMath.abs(x.get(base + j)));
        }
        // both divisions in double, rounded once to float: equal to correctly rounded float division (53 ≥ 2·24 + 2
        // bits), which OpenCL does not promise for float (2.5 ulp; PoCL was 1 ulp off now and then)
        float d = (float) ((double) amax / 127.0);
        float inv = 0f;
        if (d != 0f) {
            inv = (float) (1.0 / (double) d);
        }
        scales.set(b, d);
        for (int j = 0; j < 32; j++) {
            float v = x.get(base + j) * inv;
            int t = (int) v;
            float frac = v - (float) t;
            if (frac > 0.5f || (frac == 0.5f && (t & 1) != 0)) {
                t = t + 1;
            } else if (frac < -0.5f || (frac == -0.5f && (t & 1) != 0)) {
                t = t - 1;
            }
            quants.set(base + j, t);
        }
    }

    /** Twin: the same rounding, sequentially. */
    public static void quantizeCpu(FloatArray x, Int8Input dst, int n) {
        for (int b = 0; b < n / 32; b++) {
            float amax = 0f;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x.get(32 * b + j)));
            float d = (float) ((double) amax / 127.0);
            float inv = d == 0f ? 0f : (float) (1.0 / (double) d);
            dst.scales().set(b, d);
            for (int j = 0; j < 32; j++) {
                float v = x.get(32 * b + j) * inv;
                int t = (int) v;
                float frac = v - t;
                if (frac > 0.5f || (frac == 0.5f && (t & 1) != 0)) t++;
                else if (frac < -0.5f || (frac == -0.5f && (t & 1) != 0)) t--;
                dst.quants().set(32 * b + j, t);
            }
        }
    }

    /** The twin on a new {@link Int8Input}. */
    public static Int8Input quantizeCpu(FloatArray x) {
        Int8Input q = Int8Input.of(x.getSize());
        quantizeCpu(x, q, x.getSize());
        return q;
    }
}
