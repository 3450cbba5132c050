package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * Matrix-matrix products for batched prefill: {@code out[t·rows + r] = Σ_c W[r][c]·x[t·cols + c]} for the
 * {@code n = step[BATCH]} tokens of a chunk (activations row-major, one row of {@code cols} per token), or
 * {@code out += ...} when {@code add != 0} (the residual). The weights are dequantized to float and multiplied with
 * float activations, as the CPU engine's prefill matmul does (no int8 rounding of the activations).
 *
 * <p>Each work-group of {@link #LOCAL} work-items computes a tile of {@link #TOKENS} tokens × {@link #ROWS} rows:
 * per step of 32 columns (one quant block) it stages the dequantized weight tile and the activation tile in local
 * memory, then work-item i accumulates a register block of 8 rows ({@code i % 16 + 16·j}) × 4 tokens
 * ({@code i / 16 + 4·j}): 12 local loads per 32 multiply-adds. Every weight is thus read from global memory once per
 * 16 tokens instead of once per token, which is what makes prefill faster than token-by-token decoding. The weight
 * tile is stored column-major ({@code wt[c·129 + r]}): at each column neighbouring work-items read consecutive rows
 * (consecutive local-memory banks on a GPU), and the work-items of a token group read the same activation (a
 * broadcast); the padding to 129 keeps the tile stores of one column on different banks.
 *
 * <p>Launch {@link #groups}(rows, maxBatch) work-groups of LOCAL: group g takes row tile {@code g % rowTiles} and
 * token tile {@code g / rowTiles}; groups whose token tile starts at or after n do no work, so a decode step
 * (n = 0) costs only the launch.
 *
 * <p>One kernel serves every weight layout: only the weight-tile load differs, and it is chosen by the int argument
 * {@code layout} ({@link #layoutCode}). TornadoVM compiles int arguments in as constants (its task specialisation
 * replaces them before canonicalisation), so each task's kernel keeps only its own layout's load and the other
 * branches fold away. The arrays a layout does not read are one-element stand-ins ({@link Weights}). The K-quant
 * loads differ in shape too: a work-item decodes 32 consecutive weights of one row, so each super-block's f16
 * scales and the unit's 6-bit scale and min are decoded once per 32 weights. On a GPU those row-wise byte reads do
 * not coalesce as the per-weight loads of the other layouts do; on PoCL (a CPU) that costs nothing, and a
 * per-weight K-quant load would repeat two f16 decodes and a table lookup for every weight.
 *
 * <p>Twin: {@link #matmulCpu}, which reads the weights through {@link DeviceMatrix#value}.
 */
public final class MatMulKernels {
    private MatMulKernels() {}

    /** Work-items per work-group. */
    public static final int LOCAL = 64;
    /** Weight rows per tile. */
    public static final int ROWS = 128;
    /** Tokens per tile. */
    public static final int TOKENS = 16;
    /** Columns staged per step: one Q8_0/Q4_0 block, one unit of 32 of a K-quant super-block. */
    static final int K = 32;
    private static final int W_STRIDE = ROWS + 1;

    /** Work-groups to launch for a matrix of {@code rows} rows and chunks of up to {@code maxBatch} tokens. */
    public static int groups(int rows, int maxBatch) {
        return (rows + ROWS - 1) / ROWS * ((maxBatch + TOKENS - 1) / TOKENS);
    }

    /**
     * The four weight arguments of {@link #matmul} for one matrix: its own arrays, and one-element stand-ins (never
     * read) for those its layout does not have. A task graph must declare the stand-ins for transfer like any other
     * argument; one set per graph is enough for all its products.
     */
    public record Weights(FloatArray values, ShortArray halves, ByteArray quants, FloatArray scales) {
        public static Weights standIns() {
            return new Weights(new FloatArray(1), new ShortArray(1), new ByteArray(1), new FloatArray(1));
        }

        /** {@code w}'s arrays, with these stand-ins where {@code w} has none. */
        public Weights of(DeviceMatrix w) {
            return new Weights(w.values() != null ? w.values() : values, w.halves() != null ? w.halves() : halves,
                    w.quants() != null ? w.quants() : quants, w.scales() != null ? w.scales() : scales);
        }

        public Object[] arrays() {
            return new Object[]{values, halves, quants, scales};
        }
    }

    /**
     * Value of the {@code layout} argument of {@link #matmul} (and of the other kernels that take one) for a weight
     * layout.
     */
    public static final int F32 = 0, F16 = 1, Q8_0 = 2, Q4_0 = 3, Q4_K = 4, Q5_K = 5, Q6_K = 6;

    /** The {@code layout} argument for a matrix; a layout without a case here does not compile. */
    public static int layoutCode(DeviceMatrix.Layout layout) {
        return switch (layout) {
            case F32 -> F32;
            case F16 -> F16;
            case Q8_0 -> Q8_0;
            case Q4_0 -> Q4_0;
            case Q4_K -> Q4_K;
            case Q5_K -> Q5_K;
            case Q6_K -> Q6_K;
        };
    }

    /**
     * {@code out[t] = W·x[t]} (or {@code +=} when {@code add != 0}) for the chunk's tokens. The weights are in
     * {@code values} (F32), {@code halves} (F16: half bits), {@code quants} + {@code scales} (Q8_0: a byte per
     * weight; Q4_0: 16 packed bytes per block of 32) or {@code quants} alone (K-quants: the super-blocks' bytes, see
     * {@link KQuantBlocks}) as {@code layout} says; the other arrays are not read.
     */
    public static void matmul(KernelContext ctx, FloatArray values, ShortArray halves, ByteArray quants,
                              FloatArray scales, FloatArray x, FloatArray out, IntArray step, int rows, int cols,
                              int layout, int add) {
        int n = step.get(Step.BATCH);
        int rowTiles = (rows + ROWS - 1) / ROWS;
        int g = ctx.groupIdx;
        int lid = ctx.localIdx;
        float[] wt = ctx.allocateFloatLocalArray(K * W_STRIDE);
        float[] xt = ctx.allocateFloatLocalArray(TOKENS * K);
        int tile = g / rowTiles;
        int t0 = tile * TOKENS;
        // not g % rowTiles: from that Graal proves row < rows when rows is a multiple of ROWS and leaves a constant
        // condition that TornadoVM's OpenCL backend cannot emit (LogicConstantNode); measured on rows = 64
        int r0 = (g - tile * rowTiles) * ROWS;
        int rg = lid & 15;
        int tg = lid >> 4;
        // PoCL miscompiles a barrier inside an if, even a uniform one (measured: wrong tiles): a token tile past n
        // runs an empty loop instead
        int end = t0 < n ? cols : 0;
        float a00 = 0f, a01 = 0f, a02 = 0f, a03 = 0f, a10 = 0f, a11 = 0f, a12 = 0f, a13 = 0f;
        float a20 = 0f, a21 = 0f, a22 = 0f, a23 = 0f, a30 = 0f, a31 = 0f, a32 = 0f, a33 = 0f;
        float a40 = 0f, a41 = 0f, a42 = 0f, a43 = 0f, a50 = 0f, a51 = 0f, a52 = 0f, a53 = 0f;
        float a60 = 0f, a61 = 0f, a62 = 0f, a63 = 0f, a70 = 0f, a71 = 0f, a72 = 0f, a73 = 0f;
        for (int k0 = 0; k0 < end; k0 += K) {
            if (layout >= Q4_K) {
                // K-quants: a work-item decodes whole rows of the step's 32 columns (one unit of KQuantBlocks), so
                // the super-block's f16 scales and the unit's scale and min are decoded once per 32 weights rather
                // than once per weight (two f16 decodes and a table lookup would cost more than the tile's products)
                int unit = k0 >> 5;
                int k = unit & 7;
                for (int r = lid; r < ROWS; r += LOCAL) {
                    int rr = r0 + r;
                    if (rr < rows) {
                        int sb = KQuantBlocks.superBlock(rr, cols, unit, layout);
                        float d = KQuantBlocks.d(quants, sb, layout);
                        if (layout == Q6_K) {
                            // (d·scale)·(q − 32) as the CPU decode; −32 in float (see KQuantBlocks)
                            float s0 = d * (float) KQuantBlocks.scale(quants, sb, k, 0, layout);
                            float s1 = d * (float) KQuantBlocks.scale(quants, sb, k, 16, layout);
                            // loops of 16: small enough for Graal to unroll fully (see KQuantBlocks.dotWithMin)
                            for (int c = 0; c < 16; c++) {
                                float q = (float) KQuantBlocks.quant(quants, sb, k, c, layout) - 32f;
                                wt[c * W_STRIDE + r] = s0 * q;
                            }
                            for (int c = 16; c < K; c++) {
                                float q = (float) KQuantBlocks.quant(quants, sb, k, c, layout) - 32f;
                                wt[c * W_STRIDE + r] = s1 * q;
                            }
                        } else {
                            float ds = d * (float) KQuantBlocks.scale(quants, sb, k, 0, layout);
                            float m = KQuantBlocks.dmin(quants, sb) * (float) KQuantBlocks.min(quants, sb, k);
                            for (int c = 0; c < 16; c++) {
                                wt[c * W_STRIDE + r] = ds * (float) KQuantBlocks.quant(quants, sb, k, c, layout) - m;
                            }
                            for (int c = 16; c < K; c++) {
                                wt[c * W_STRIDE + r] = ds * (float) KQuantBlocks.quant(quants, sb, k, c, layout) - m;
                            }
                        }
                    } else {
                        for (int c = 0; c < K; c++) {
                            wt[c * W_STRIDE + r] = 0f;
                        }
                    }
                }
            }
            // the other layouts, one weight per iteration (none for the K-quants: a constant bound, folded away)
            int elements = layout >= Q4_K ? 0 : ROWS * K;
            for (int e = lid; e < elements; e += LOCAL) {
                int rr = r0 + (e >> 5);
                int c = e & 31;
                int col = k0 + c;
                float v = 0f;
                // F32/F16 columns need not be a multiple of 32; Q8_0/Q4_0 columns are, so their col < cols always
                if (rr < rows) {
                    if (col < cols) {
                        if (layout == F32) {
                            v = values.get(rr * cols + col);
                        } else if (layout == F16) {
                            v = F16Bits.toFloat(halves.get(rr * cols + col));
                        } else if (layout == Q8_0) {
                            v = scales.get(rr * (cols >> 5) + (k0 >> 5)) * quants.get(rr * cols + col);
                        } else {
                            int b = quants.get(rr * (cols >> 1) + (k0 >> 1) + (c & 15)) & 0xFF;
                            int nibble = c < 16 ? (b & 15) : (b >> 4);
                            // float before subtracting 8: see MatVecKernels (TornadoVM typed the int form as unsigned)
                            v = scales.get(rr * (cols >> 5) + (k0 >> 5)) * ((float) nibble - 8f);
                        }
                    }
                }
                wt[c * W_STRIDE + (e >> 5)] = v;
            }
            for (int e = lid; e < TOKENS * K; e += LOCAL) {
                int t = t0 + (e >> 5);
                int col = k0 + (e & 31);
                float v = 0f;
                if (t < n) {
                    if (col < cols) {
                        v = x.get(t * cols + col);
                    }
                }
                xt[e] = v;
            }
            ctx.localBarrier();
            for (int c = 0; c < K; c++) {
                float w0 = wt[c * W_STRIDE + rg + 0];
                float w1 = wt[c * W_STRIDE + rg + 16];
                float w2 = wt[c * W_STRIDE + rg + 32];
                float w3 = wt[c * W_STRIDE + rg + 48];
                float w4 = wt[c * W_STRIDE + rg + 64];
                float w5 = wt[c * W_STRIDE + rg + 80];
                float w6 = wt[c * W_STRIDE + rg + 96];
                float w7 = wt[c * W_STRIDE + rg + 112];
                float x0 = xt[(tg + 0) * K + c];
                float x1 = xt[(tg + 4) * K + c];
                float x2 = xt[(tg + 8) * K + c];
                float x3 = xt[(tg + 12) * K + c];
                a00 += w0 * x0;
                a01 += w0 * x1;
                a02 += w0 * x2;
                a03 += w0 * x3;
                a10 += w1 * x0;
                a11 += w1 * x1;
                a12 += w1 * x2;
                a13 += w1 * x3;
                a20 += w2 * x0;
                a21 += w2 * x1;
                a22 += w2 * x2;
                a23 += w2 * x3;
                a30 += w3 * x0;
                a31 += w3 * x1;
                a32 += w3 * x2;
                a33 += w3 * x3;
                a40 += w4 * x0;
                a41 += w4 * x1;
                a42 += w4 * x2;
                a43 += w4 * x3;
                a50 += w5 * x0;
                a51 += w5 * x1;
                a52 += w5 * x2;
                a53 += w5 * x3;
                a60 += w6 * x0;
                a61 += w6 * x1;
                a62 += w6 * x2;
                a63 += w6 * x3;
                a70 += w7 * x0;
                a71 += w7 * x1;
                a72 += w7 * x2;
                a73 += w7 * x3;
            }
            ctx.localBarrier();
        }
        int t = t0 + tg;
        storeRow(out, r0 + rg + 0, rows, t, n, add, a00, a01, a02, a03);
        storeRow(out, r0 + rg + 16, rows, t, n, add, a10, a11, a12, a13);
        storeRow(out, r0 + rg + 32, rows, t, n, add, a20, a21, a22, a23);
        storeRow(out, r0 + rg + 48, rows, t, n, add, a30, a31, a32, a33);
        storeRow(out, r0 + rg + 64, rows, t, n, add, a40, a41, a42, a43);
        storeRow(out, r0 + rg + 80, rows, t, n, add, a50, a51, a52, a53);
        storeRow(out, r0 + rg + 96, rows, t, n, add, a60, a61, a62, a63);
        storeRow(out, r0 + rg + 112, rows, t, n, add, a70, a71, a72, a73);
    }

    /** A work-item's results for one row: tokens t, t + 4, t + 8, t + 12, those below n (Graal inlines this). */
    private static void storeRow(FloatArray out, int row, int rows, int t, int n, int add, float s0, float s1, float s2,
                                 float s3) {
        if (row < rows) {
            if (t < n) {
                store(out, t * rows + row, s0, add);
            }
            if (t + 4 < n) {
                store(out, (t + 4) * rows + row, s1, add);
            }
            if (t + 8 < n) {
                store(out, (t + 8) * rows + row, s2, add);
            }
            if (t + 12 < n) {
                store(out, (t + 12) * rows + row, s3, add);
            }
        }
    }

    private static void store(FloatArray out, int o, float s, int add) {
        out.set(o, add != 0 ? out.get(o) + s : s);
    }

    /** Twin of every layout: the same product in plain loops, weights decoded by {@link DeviceMatrix#value}. */
    public static void matmulCpu(DeviceMatrix w, FloatArray x, FloatArray out, int n, boolean add) {
        int rows = w.rows(), cols = w.cols();
        for (int t = 0; t < n; t++) {
            for (int r = 0; r < rows; r++) {
                float s = 0f;
                for (int c = 0; c < cols; c++) s += w.value(r, c) * x.get(t * cols + c);
                out.set(t * rows + r, add ? out.get(t * rows + r) + s : s);
            }
        }
    }
}
