package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * Matrix-vector products for decode: one work-group of {@code groupSize} work-items per output row; the group adds the
 * work-items' partial sums in local memory. F32 and F16 share one kernel ({@link #unquantized}): each work-item sums
 * a strided slice of the row (neighbouring work-items read neighbouring weights), F16 converting ggml's half bits per
 * weight with {@link F16Bits}. The quantized layouts: the input is the activation vector rounded to int8 per block
 * of 32 ({@link Int8Input}, made by {@link Int8InputKernels#quantize}) exactly as the CPU engine's decode matvec
 * rounds it, so both engines compute the same products; each work-item takes whole blocks (every groupSize-th block),
 * sums weight quant × activation quant in an int (exact) and multiplies by the weight scale × the activation
 * scale once per block, as ggml does. With {@code add != 0} a kernel accumulates into {@code out} instead of
 * overwriting it, which fuses the residual connection into the projection that precedes it (TornadoVM compiles int
 * arguments in as constants, so each task gets the branch it needs folded away).
 *
 * <p>Weight layouts (see {@code DeviceMatrix}): F32 row-major floats; F16 row-major half bits (a ShortArray); Q8_0 as one signed byte per weight plus one
 * float scale per 32 weights (ggml's fp16 scale widened at load: PoCL has no fp16); Q4_0 as ggml's 16 packed bytes
 * per block of 32 (byte j: weight j in the low nibble, weight j+16 in the high one, value = nibble - 8) plus one float
 * scale per block. Launch with {@code rows · groupSize} work-items in groups of {@code groupSize}.
 *
 * <p>TornadoVM has typed {@code (v >> 4) - 8} of an unsigned byte as an unsigned int and converted it to float as
 * unsigned (a negative weight became ~4e9). The Q4_0 kernels now keep the nibble products in int arithmetic, where
 * signed and unsigned agree bit for bit, and convert only the block's int sum to float; the tests use negative
 * weights and activations.
 *
 * <p>Each kernel has a plain-Java twin ({@code *Cpu}) doing the same arithmetic sequentially; tests compare them.
 */
public final class MatVecKernels {
    private MatVecKernels() {}

    /**
     * The work-items per row the tests use by default. The engine picks {@code groupSize} per device (its
     * WorkGroupSizes); it must be a power of two (tree reduction) and equal the launch's work-group size. TornadoVM
     * compiles int arguments in as constants, so {@code allocateFloatLocalArray(groupSize)} gets a fixed size per
     * task (checked on PoCL at sizes 1 to 256). The argument must not be called {@code local}: TornadoVM keeps
     * parameter names, and {@code local} is an OpenCL C address-space keyword (the kernel then fails to build with
     * "multiple address spaces specified for type").
     */
    public static final int LOCAL = 64;

    /**
     * F32 and F16 (float activations): {@code layout} is {@link MatMulKernels#F32} (weights in {@code values}) or
     * {@link MatMulKernels#F16} (ggml's half bits in {@code halves}, converted per weight by {@link F16Bits}); the
     * other array is a stand-in that is never read ({@link MatMulKernels.Weights}). TornadoVM compiles the int
     * {@code layout} in as a constant, so each task keeps only its own layout's load.
     */
    public static void unquantized(KernelContext ctx, FloatArray values, ShortArray halves, FloatArray x, FloatArray out,
                                   int cols, int groupSize, int layout, int add) {
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        int base = row * cols;
        float s = 0f;
        for (int j = lid; j < cols; j += groupSize) {
            float w = layout == MatMulKernels.F16 ? F16Bits.toFloat(halves.get(base + j)) : values.get(base + j);
            s += w * x.get(j);
        }
        storeRowSum(ctx, s, groupSize, out, row, add);
    }

    public static void q8(KernelContext ctx, ByteArray q, FloatArray scales, IntArray xq, FloatArray xs,
                          FloatArray out, int cols, int groupSize, int add) {
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        int blocks = cols >> 5;
        int base = row * cols;
        int scaleBase = row * blocks;
        float s = 0f;
        for (int b = lid; b < blocks; b += groupSize) {
            int o = base + (b << 5);
            int xo = b << 5;
            int acc = 0;
            for (int j = 0; j < 32; j++) {
                acc += q.get(o + j) * xq.get(xo + j);
            }
            s += (float) acc * (scales.get(scaleBase + b) * xs.get(b));
        }
        storeRowSum(ctx, s, groupSize, out, row, add);
    }

    public static void q4(KernelContext ctx, ByteArray packed, FloatArray scales, IntArray xq, FloatArray xs,
                          FloatArray out, int cols, int groupSize, int add) {
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        int blocks = cols >> 5;
        int base = row * (cols >> 1);
        int scaleBase = row * blocks;
        float s = 0f;
        for (int b = lid; b < blocks; b += groupSize) {
            int o = base + (b << 4);
            int xo = b << 5;
            int acc = 0;
            for (int j = 0; j < 16; j++) {
                int v = packed.get(o + j) & 0xFF;
                acc += ((v & 15) - 8) * xq.get(xo + j) + ((v >> 4) - 8) * xq.get(xo + j + 16);
            }
            s += (float) acc * (scales.get(scaleBase + b) * xs.get(b));
        }
        storeRowSum(ctx, s, groupSize, out, row, add);
    }

    /**
     * Q4_K, Q5_K and Q6_K ({@code layout} = {@link MatMulKernels#Q4_K}, Q5_K or Q6_K): like {@link #q8}, each
     * work-item takes whole units of 32 weights (every groupSize-th), neighbouring work-items neighbouring units of
     * the same super-blocks, and adds {@link KQuantBlocks#dotWithMin} or {@link KQuantBlocks#dotQ6K}: exact int products with the int8 input per 32 (16 for
     * Q6_K) times the unit's scales, as the CPU engine's K-quant decode.
     */
    public static void kQuant(KernelContext ctx, ByteArray blocks, IntArray xq, FloatArray xs, FloatArray out,
                              int cols, int groupSize, int layout, int add) {
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        int units = cols >> 5;
        float s = 0f;
        for (int u = lid; u < units; u += groupSize) {
            // one helper per family: a single one for all three was too big for TornadoVM to inline
            if (layout == MatMulKernels.Q6_K) {
                s += KQuantBlocks.dotQ6K(blocks, row, cols, u, xq, xs.get(u));
            } else {
                s += KQuantBlocks.dotWithMin(blocks, row, cols, u, xq, xs.get(u), layout);
            }
        }
        storeRowSum(ctx, s, groupSize, out, row, add);
    }

    /**
     * The common tail of the matvec kernels: adds the work-group's partial sums {@code s} (a tree reduction in local
     * memory; every work-item must call it, it holds barriers) and stores the row's result, or adds it when
     * {@code add != 0}. Inlined by Graal; it allocates its local array itself because one passed in as an argument
     * is indexed like a Java heap array in the emitted OpenCL (see NormKernels#rmsScale).
     */
    static void storeRowSum(KernelContext ctx, float s, int groupSize, FloatArray out, int row, int add) {
        int lid = ctx.localIdx;
        float[] part = ctx.allocateFloatLocalArray(groupSize);
        part[lid] = s;
        ctx.localBarrier();
        for (int stride = groupSize / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                part[lid] += part[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            if (add != 0) {
                out.set(row, out.get(row) + part[0]);
            } else {
                out.set(row, part[0]);
            }
        }
    }

    // ---- CPU twins: the same products, one row at a time ----

    /**
     * Twin of every matvec kernel: {@code out = W·x}, or {@code out += W·x} when {@code add}, one row at a time. F32
     * and F16 multiply the float input {@code x} (F16 decoded with the JDK's {@code Float.float16ToFloat},
     * independent of {@link F16Bits}); the quantized layouts multiply the int8-rounded input {@code xq} (from
     * {@link Int8InputKernels#quantizeCpu}) exactly as the kernels do: Q8_0/Q4_0 an int sum of quant products per
     * block of 32, times the weight scale times the activation scale; the K-quants as {@link #kQuantRowCpu}.
     * {@code xq} may be null for F32/F16, {@code x} for the quantized layouts.
     */
    public static void matvecCpu(DeviceMatrix w, FloatArray x, Int8Input xq, FloatArray out, boolean add) {
        int rows = w.rows(), cols = w.cols(), blocks = cols / 32;
        for (int r = 0; r < rows; r++) {
            float s = 0f;
            if (w.layout().kQuant()) {
                s = kQuantRowCpu(w, r, xq);
            } else if (w.layout().takesInt8()) {
                for (int b = 0; b < blocks; b++) {
                    int acc = 0;
                    for (int j = 0; j < 32; j++) acc += w.quant(r, b * 32 + j) * xq.quants().get(b * 32 + j);
                    s += acc * (w.scales().get(r * blocks + b) * xq.scales().get(b));
                }
            } else {
                for (int j = 0; j < cols; j++) s += w.value(r, j) * x.get(j);
            }
            out.set(r, add ? out.get(r) + s : s);
        }
    }

    /**
     * Row {@code r} of a K-quant matrix times the int8 input, with the weights read through {@link DeviceMatrix}'s
     * host decode (not {@link KQuantBlocks}): Q4_K/Q5_K per sub-block of 32 the int sums Σq·xq and Σxq, giving
     * {@code Σq·xq·((scale·xd)·d) − (min·(xd·Σxq))·dmin}; Q6_K per 16 weights {@code Σq·xq·((d·scale)·xd)}.
     */
    static float kQuantRowCpu(DeviceMatrix w, int r, Int8Input xq) {
        float s = 0f;
        boolean q6 = w.layout() == DeviceMatrix.Layout.Q6_K;
        for (int b = 0; b < w.cols() / 32; b++) {
            float xd = xq.scales().get(b);
            if (q6) {
                for (int h = 0; h < 2; h++) {
                    int c0 = 32 * b + 16 * h, acc = 0;
                    for (int j = 0; j < 16; j++) acc += w.quant(r, c0 + j) * xq.quants().get(c0 + j);
                    s += acc * (w.superScale(r, c0) * w.subScale(r, c0) * xd);
                }
            } else {
                int c0 = 32 * b, acc = 0, xsum = 0;
                for (int j = 0; j < 32; j++) {
                    acc += w.quant(r, c0 + j) * xq.quants().get(c0 + j);
                    xsum += xq.quants().get(c0 + j);
                }
                s += acc * (w.subScale(r, c0) * xd * w.superScale(r, c0))
                        - w.subMin(r, c0) * (xd * xsum) * w.superMin(r, c0);
            }
        }
        return s;
    }
}
