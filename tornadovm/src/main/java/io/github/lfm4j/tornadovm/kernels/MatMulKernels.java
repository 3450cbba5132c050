package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * Matrix-matrix products for batched prefill: {@code out[t·rows + r] = Σ_c W[r][c]·x[t·cols + c]} for the
 * {@code n = step[BATCH]} tokens of a chunk (activations row-major, one row of {@code cols} per token), or
 * {@code out += ...} when {@code add != 0} (the residual). The weights are dequantized to float and multiplied with
 * float activations, as the CPU engine's prefill matmul does (no int8 rounding of the activations).
 *
 * <p>Each work-group of {@link #LOCAL} work-items computes a tile of {@link #TOKENS} tokens × {@link #ROWS} rows:
 * per step of 32 columns (one quant block) it stages the dequantized weight tile and the activation tile in local
 * memory, then work-item i multiplies row {@code i % ROWS} with {@link #PER_ITEM} tokens held in registers. Every
 * weight is thus read from global memory once per 16 tokens instead of once per token, which is what makes prefill
 * faster than token-by-token decoding. The weight tile's rows are padded to 33 floats so that the work-items of a
 * warp, which read 32 different rows at the same column, hit different local-memory banks.
 *
 * <p>Launch {@link #groups}(rows, maxBatch) work-groups of LOCAL: group g takes row tile {@code g % rowTiles} and
 * token tile {@code g / rowTiles}; groups whose token tile starts at or after n return at once, so a decode step
 * (n = 0) costs only the launch. Only the weight-tile load differs between layouts; a new layout (F16) is one more
 * kernel with its own load loop and a case in the engine's dispatch.
 *
 * <p>Each kernel has the plain-Java twin {@link #matmulCpu}, which reads the weights through
 * {@link DeviceMatrix#value}.
 */
public final class MatMulKernels {
    private MatMulKernels() {}

    /** Work-items per work-group. */
    public static final int LOCAL = 64;
    /** Weight rows per tile (a power of two). */
    public static final int ROWS = 32;
    /** Tokens per tile: LOCAL / ROWS work-items share a row, each with PER_ITEM tokens. */
    public static final int TOKENS = 16;
    static final int PER_ITEM = TOKENS / (LOCAL / ROWS);
    /** Columns staged per step: one Q8_0/Q4_0 block. */
    static final int K = 32;
    private static final int W_STRIDE = K + 1;

    /** Work-groups to launch for a matrix of {@code rows} rows and chunks of up to {@code maxBatch} tokens. */
    public static int groups(int rows, int maxBatch) {
        return (rows + ROWS - 1) / ROWS * ((maxBatch + TOKENS - 1) / TOKENS);
    }

    public static void f32(KernelContext ctx, FloatArray w, FloatArray x, FloatArray out, IntArray step,
                           int rows, int cols, int add) {
        int n = step.get(Step.BATCH);
        int rowTiles = (rows + ROWS - 1) / ROWS;
        int g = ctx.groupIdx;
        int lid = ctx.localIdx;
        float[] wt = ctx.allocateFloatLocalArray(ROWS * W_STRIDE);
        float[] xt = ctx.allocateFloatLocalArray(TOKENS * K);
        int tile = g / rowTiles;
        int t0 = tile * TOKENS;
        // not g % rowTiles: from that Graal proves row < rows when rows is a multiple of ROWS and leaves a constant
        // condition that TornadoVM's OpenCL backend cannot emit (LogicConstantNode); measured on rows = 64
        // PoCL miscompiles a barrier inside an if, even a uniform one (measured: wrong tiles); an empty loop instead
        int end = t0 < n ? cols : 0;
        {
            int r0 = (g - tile * rowTiles) * ROWS;
            int r = lid & (ROWS - 1);
            int tq = (lid / ROWS) * PER_ITEM;
            int xo = tq * K;
            float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
            for (int k0 = 0; k0 < end; k0 += K) {
                for (int e = lid; e < ROWS * K; e += LOCAL) {
                    int row = r0 + (e >> 5);
                    int col = k0 + (e & 31);
                    float v = 0f;
                    if (row < rows) {
                        if (col < cols) {
                            v = w.get(row * cols + col);
                        }
                    }
                    wt[(e >> 5) * W_STRIDE + (e & 31)] = v;
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
                    float wv = wt[r * W_STRIDE + c];
                    a0 += wv * xt[xo + c];
                    a1 += wv * xt[xo + K + c];
                    a2 += wv * xt[xo + 2 * K + c];
                    a3 += wv * xt[xo + 3 * K + c];
                    a4 += wv * xt[xo + 4 * K + c];
                    a5 += wv * xt[xo + 5 * K + c];
                    a6 += wv * xt[xo + 6 * K + c];
                    a7 += wv * xt[xo + 7 * K + c];
                }
                ctx.localBarrier();
            }
            int row = r0 + r;
            if (row < rows) {
                int t = t0 + tq;
                if (t < n) {
                    if (add != 0) {
                        out.set(t * rows + row, out.get(t * rows + row) + a0);
                    } else {
                        out.set(t * rows + row, a0);
                    }
                }
                if (t + 1 < n) {
                    if (add != 0) {
                        out.set((t + 1) * rows + row, out.get((t + 1) * rows + row) + a1);
                    } else {
                        out.set((t + 1) * rows + row, a1);
                    }
                }
                if (t + 2 < n) {
                    if (add != 0) {
                        out.set((t + 2) * rows + row, out.get((t + 2) * rows + row) + a2);
                    } else {
                        out.set((t + 2) * rows + row, a2);
                    }
                }
                if (t + 3 < n) {
                    if (add != 0) {
                        out.set((t + 3) * rows + row, out.get((t + 3) * rows + row) + a3);
                    } else {
                        out.set((t + 3) * rows + row, a3);
                    }
                }
                if (t + 4 < n) {
                    if (add != 0) {
                        out.set((t + 4) * rows + row, out.get((t + 4) * rows + row) + a4);
                    } else {
                        out.set((t + 4) * rows + row, a4);
                    }
                }
                if (t + 5 < n) {
                    if (add != 0) {
                        out.set((t + 5) * rows + row, out.get((t + 5) * rows + row) + a5);
                    } else {
                        out.set((t + 5) * rows + row, a5);
                    }
                }
                if (t + 6 < n) {
                    if (add != 0) {
                        out.set((t + 6) * rows + row, out.get((t + 6) * rows + row) + a6);
                    } else {
                        out.set((t + 6) * rows + row, a6);
                    }
                }
                if (t + 7 < n) {
                    if (add != 0) {
                        out.set((t + 7) * rows + row, out.get((t + 7) * rows + row) + a7);
                    } else {
                        out.set((t + 7) * rows + row, a7);
                    }
                }
            }
        }
    }

    public static void q8(KernelContext ctx, ByteArray q, FloatArray scales, FloatArray x, FloatArray out, IntArray step,
                           int rows, int cols, int add) {
        int n = step.get(Step.BATCH);
        int rowTiles = (rows + ROWS - 1) / ROWS;
        int g = ctx.groupIdx;
        int lid = ctx.localIdx;
        float[] wt = ctx.allocateFloatLocalArray(ROWS * W_STRIDE);
        float[] xt = ctx.allocateFloatLocalArray(TOKENS * K);
        int tile = g / rowTiles;
        int t0 = tile * TOKENS;
        // PoCL miscompiles a barrier inside an if, even a uniform one (measured: wrong tiles); an empty loop instead
        int end = t0 < n ? cols : 0;
        {
            int r0 = (g - tile * rowTiles) * ROWS;
            int r = lid & (ROWS - 1);
            int tq = (lid / ROWS) * PER_ITEM;
            int xo = tq * K;
            float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
            for (int k0 = 0; k0 < end; k0 += K) {
                for (int e = lid; e < ROWS * K; e += LOCAL) {
                    int row = r0 + (e >> 5);
                    float v = 0f;
                    if (row < rows) {
                        v = scales.get(row * (cols >> 5) + (k0 >> 5)) * q.get(row * cols + k0 + (e & 31));
                    }
                    wt[(e >> 5) * W_STRIDE + (e & 31)] = v;
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
                    float wv = wt[r * W_STRIDE + c];
                    a0 += wv * xt[xo + c];
                    a1 += wv * xt[xo + K + c];
                    a2 += wv * xt[xo + 2 * K + c];
                    a3 += wv * xt[xo + 3 * K + c];
                    a4 += wv * xt[xo + 4 * K + c];
                    a5 += wv * xt[xo + 5 * K + c];
                    a6 += wv * xt[xo + 6 * K + c];
                    a7 += wv * xt[xo + 7 * K + c];
                }
                ctx.localBarrier();
            }
            int row = r0 + r;
            if (row < rows) {
                int t = t0 + tq;
                if (t < n) {
                    if (add != 0) {
                        out.set(t * rows + row, out.get(t * rows + row) + a0);
                    } else {
                        out.set(t * rows + row, a0);
                    }
                }
                if (t + 1 < n) {
                    if (add != 0) {
                        out.set((t + 1) * rows + row, out.get((t + 1) * rows + row) + a1);
                    } else {
                        out.set((t + 1) * rows + row, a1);
                    }
                }
                if (t + 2 < n) {
                    if (add != 0) {
                        out.set((t + 2) * rows + row, out.get((t + 2) * rows + row) + a2);
                    } else {
                        out.set((t + 2) * rows + row, a2);
                    }
                }
                if (t + 3 < n) {
                    if (add != 0) {
                        out.set((t + 3) * rows + row, out.get((t + 3) * rows + row) + a3);
                    } else {
                        out.set((t + 3) * rows + row, a3);
                    }
                }
                if (t + 4 < n) {
                    if (add != 0) {
                        out.set((t + 4) * rows + row, out.get((t + 4) * rows + row) + a4);
                    } else {
                        out.set((t + 4) * rows + row, a4);
                    }
                }
                if (t + 5 < n) {
                    if (add != 0) {
                        out.set((t + 5) * rows + row, out.get((t + 5) * rows + row) + a5);
                    } else {
                        out.set((t + 5) * rows + row, a5);
                    }
                }
                if (t + 6 < n) {
                    if (add != 0) {
                        out.set((t + 6) * rows + row, out.get((t + 6) * rows + row) + a6);
                    } else {
                        out.set((t + 6) * rows + row, a6);
                    }
                }
                if (t + 7 < n) {
                    if (add != 0) {
                        out.set((t + 7) * rows + row, out.get((t + 7) * rows + row) + a7);
                    } else {
                        out.set((t + 7) * rows + row, a7);
                    }
                }
            }
        }
    }

    public static void q4(KernelContext ctx, ByteArray packed, FloatArray scales, FloatArray x, FloatArray out, IntArray step,
                           int rows, int cols, int add) {
        int n = step.get(Step.BATCH);
        int rowTiles = (rows + ROWS - 1) / ROWS;
        int g = ctx.groupIdx;
        int lid = ctx.localIdx;
        float[] wt = ctx.allocateFloatLocalArray(ROWS * W_STRIDE);
        float[] xt = ctx.allocateFloatLocalArray(TOKENS * K);
        int tile = g / rowTiles;
        int t0 = tile * TOKENS;
        // PoCL miscompiles a barrier inside an if, even a uniform one (measured: wrong tiles); an empty loop instead
        int end = t0 < n ? cols : 0;
        {
            int r0 = (g - tile * rowTiles) * ROWS;
            int r = lid & (ROWS - 1);
            int tq = (lid / ROWS) * PER_ITEM;
            int xo = tq * K;
            float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
            for (int k0 = 0; k0 < end; k0 += K) {
                for (int e = lid; e < ROWS * K; e += LOCAL) {
                    int row = r0 + (e >> 5);
                    int c = e & 31;
                    float v = 0f;
                    if (row < rows) {
                        int b = packed.get(row * (cols >> 1) + (k0 >> 1) + (c & 15)) & 0xFF;
                        int nibble = c < 16 ? (b & 15) : (b >> 4);
                        // float before subtracting 8: see MatVecKernels (TornadoVM typed the int form as unsigned)
                        v = scales.get(row * (cols >> 5) + (k0 >> 5)) * ((float) nibble - 8f);
                    }
                    wt[(e >> 5) * W_STRIDE + c] = v;
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
                    float wv = wt[r * W_STRIDE + c];
                    a0 += wv * xt[xo + c];
                    a1 += wv * xt[xo + K + c];
                    a2 += wv * xt[xo + 2 * K + c];
                    a3 += wv * xt[xo + 3 * K + c];
                    a4 += wv * xt[xo + 4 * K + c];
                    a5 += wv * xt[xo + 5 * K + c];
                    a6 += wv * xt[xo + 6 * K + c];
                    a7 += wv * xt[xo + 7 * K + c];
                }
                ctx.localBarrier();
            }
            int row = r0 + r;
            if (row < rows) {
                int t = t0 + tq;
                if (t < n) {
                    if (add != 0) {
                        out.set(t * rows + row, out.get(t * rows + row) + a0);
                    } else {
                        out.set(t * rows + row, a0);
                    }
                }
                if (t + 1 < n) {
                    if (add != 0) {
                        out.set((t + 1) * rows + row, out.get((t + 1) * rows + row) + a1);
                    } else {
                        out.set((t + 1) * rows + row, a1);
                    }
                }
                if (t + 2 < n) {
                    if (add != 0) {
                        out.set((t + 2) * rows + row, out.get((t + 2) * rows + row) + a2);
                    } else {
                        out.set((t + 2) * rows + row, a2);
                    }
                }
                if (t + 3 < n) {
                    if (add != 0) {
                        out.set((t + 3) * rows + row, out.get((t + 3) * rows + row) + a3);
                    } else {
                        out.set((t + 3) * rows + row, a3);
                    }
                }
                if (t + 4 < n) {
                    if (add != 0) {
                        out.set((t + 4) * rows + row, out.get((t + 4) * rows + row) + a4);
                    } else {
                        out.set((t + 4) * rows + row, a4);
                    }
                }
                if (t + 5 < n) {
                    if (add != 0) {
                        out.set((t + 5) * rows + row, out.get((t + 5) * rows + row) + a5);
                    } else {
                        out.set((t + 5) * rows + row, a5);
                    }
                }
                if (t + 6 < n) {
                    if (add != 0) {
                        out.set((t + 6) * rows + row, out.get((t + 6) * rows + row) + a6);
                    } else {
                        out.set((t + 6) * rows + row, a6);
                    }
                }
                if (t + 7 < n) {
                    if (add != 0) {
                        out.set((t + 7) * rows + row, out.get((t + 7) * rows + row) + a7);
                    } else {
                        out.set((t + 7) * rows + row, a7);
                    }
                }
            }
        }
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
