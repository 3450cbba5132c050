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
 * memory, then work-item i accumulates a register block of 8 rows ({@code i % 16 + 16·j}) × 4 tokens
 * ({@code i / 16 + 4·j}): 12 local loads per 32 multiply-adds. Every weight is thus read from global memory once per
 * 16 tokens instead of once per token, which is what makes prefill faster than token-by-token decoding. The weight
 * tile is stored column-major ({@code wt[c·129 + r]}): at each column neighbouring work-items read consecutive rows
 * (consecutive local-memory banks on a GPU), and the work-items of a token group read the same activation (a
 * broadcast); the padding to 129 keeps the tile stores of one column on different banks.
 *
 * <p>Launch {@link #groups}(rows, maxBatch) work-groups of LOCAL: group g takes row tile {@code g % rowTiles} and
 * token tile {@code g / rowTiles}; groups whose token tile starts at or after n do no work, so a decode step
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
    /** Weight rows per tile. */
    public static final int ROWS = 128;
    /** Tokens per tile. */
    public static final int TOKENS = 16;
    /** Columns staged per step: one Q8_0/Q4_0 block. */
    static final int K = 32;
    private static final int W_STRIDE = ROWS + 1;

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
        float[] wt = ctx.allocateFloatLocalArray(K * W_STRIDE);
        float[] xt = ctx.allocateFloatLocalArray(TOKENS * K);
        int tile = g / rowTiles;
        int t0 = tile * TOKENS;
        // not g % rowTiles: from that Graal proves row < rows when rows is a multiple of ROWS and leaves a constant
        // condition that TornadoVM's OpenCL backend cannot emit (LogicConstantNode); measured on rows = 64
        int r0 = (g - tile * rowTiles) * ROWS;
        int rg = lid & 15;
        int tg = lid >> 4;
        int row;
        // PoCL miscompiles a barrier inside an if, even a uniform one (measured: wrong tiles): a token tile past n
        // runs an empty loop instead
        int end = t0 < n ? cols : 0;
        float a00 = 0f, a01 = 0f, a02 = 0f, a03 = 0f, a10 = 0f, a11 = 0f, a12 = 0f, a13 = 0f;
        float a20 = 0f, a21 = 0f, a22 = 0f, a23 = 0f, a30 = 0f, a31 = 0f, a32 = 0f, a33 = 0f;
        float a40 = 0f, a41 = 0f, a42 = 0f, a43 = 0f, a50 = 0f, a51 = 0f, a52 = 0f, a53 = 0f;
        float a60 = 0f, a61 = 0f, a62 = 0f, a63 = 0f, a70 = 0f, a71 = 0f, a72 = 0f, a73 = 0f;
        for (int k0 = 0; k0 < end; k0 += K) {
            for (int e = lid; e < ROWS * K; e += LOCAL) {
                int rr = r0 + (e >> 5);
                int col = k0 + (e & 31);
                float v = 0f;
                if (rr < rows) {
                    if (col < cols) {
                        v = w.get(rr * cols + col);
                    }
                }
                wt[(e & 31) * W_STRIDE + (e >> 5)] = v;
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
        row = r0 + rg + 0;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a00 : a00);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a01 : a01);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a02 : a02);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a03 : a03);
            }
        }
        row = r0 + rg + 16;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a10 : a10);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a11 : a11);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a12 : a12);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a13 : a13);
            }
        }
        row = r0 + rg + 32;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a20 : a20);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a21 : a21);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a22 : a22);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a23 : a23);
            }
        }
        row = r0 + rg + 48;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a30 : a30);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a31 : a31);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a32 : a32);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a33 : a33);
            }
        }
        row = r0 + rg + 64;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a40 : a40);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a41 : a41);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a42 : a42);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a43 : a43);
            }
        }
        row = r0 + rg + 80;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a50 : a50);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a51 : a51);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a52 : a52);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a53 : a53);
            }
        }
        row = r0 + rg + 96;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a60 : a60);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a61 : a61);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a62 : a62);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a63 : a63);
            }
        }
        row = r0 + rg + 112;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a70 : a70);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a71 : a71);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a72 : a72);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a73 : a73);
            }
        }
    }

    public static void q8(KernelContext ctx, ByteArray q, FloatArray scales, FloatArray x, FloatArray out, IntArray step,
                           int rows, int cols, int add) {
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
        int row;
        // PoCL miscompiles a barrier inside an if, even a uniform one (measured: wrong tiles): a token tile past n
        // runs an empty loop instead
        int end = t0 < n ? cols : 0;
        float a00 = 0f, a01 = 0f, a02 = 0f, a03 = 0f, a10 = 0f, a11 = 0f, a12 = 0f, a13 = 0f;
        float a20 = 0f, a21 = 0f, a22 = 0f, a23 = 0f, a30 = 0f, a31 = 0f, a32 = 0f, a33 = 0f;
        float a40 = 0f, a41 = 0f, a42 = 0f, a43 = 0f, a50 = 0f, a51 = 0f, a52 = 0f, a53 = 0f;
        float a60 = 0f, a61 = 0f, a62 = 0f, a63 = 0f, a70 = 0f, a71 = 0f, a72 = 0f, a73 = 0f;
        for (int k0 = 0; k0 < end; k0 += K) {
            for (int e = lid; e < ROWS * K; e += LOCAL) {
                int rr = r0 + (e >> 5);
                float v = 0f;
                if (rr < rows) {
                    v = scales.get(rr * (cols >> 5) + (k0 >> 5)) * q.get(rr * cols + k0 + (e & 31));
                }
                wt[(e & 31) * W_STRIDE + (e >> 5)] = v;
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
        row = r0 + rg + 0;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a00 : a00);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a01 : a01);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a02 : a02);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a03 : a03);
            }
        }
        row = r0 + rg + 16;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a10 : a10);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a11 : a11);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a12 : a12);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a13 : a13);
            }
        }
        row = r0 + rg + 32;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a20 : a20);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a21 : a21);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a22 : a22);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a23 : a23);
            }
        }
        row = r0 + rg + 48;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a30 : a30);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a31 : a31);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a32 : a32);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a33 : a33);
            }
        }
        row = r0 + rg + 64;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a40 : a40);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a41 : a41);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a42 : a42);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a43 : a43);
            }
        }
        row = r0 + rg + 80;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a50 : a50);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a51 : a51);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a52 : a52);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a53 : a53);
            }
        }
        row = r0 + rg + 96;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a60 : a60);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a61 : a61);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a62 : a62);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a63 : a63);
            }
        }
        row = r0 + rg + 112;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a70 : a70);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a71 : a71);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a72 : a72);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a73 : a73);
            }
        }
    }

    public static void q4(KernelContext ctx, ByteArray packed, FloatArray scales, FloatArray x, FloatArray out, IntArray step,
                           int rows, int cols, int add) {
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
        int row;
        // PoCL miscompiles a barrier inside an if, even a uniform one (measured: wrong tiles): a token tile past n
        // runs an empty loop instead
        int end = t0 < n ? cols : 0;
        float a00 = 0f, a01 = 0f, a02 = 0f, a03 = 0f, a10 = 0f, a11 = 0f, a12 = 0f, a13 = 0f;
        float a20 = 0f, a21 = 0f, a22 = 0f, a23 = 0f, a30 = 0f, a31 = 0f, a32 = 0f, a33 = 0f;
        float a40 = 0f, a41 = 0f, a42 = 0f, a43 = 0f, a50 = 0f, a51 = 0f, a52 = 0f, a53 = 0f;
        float a60 = 0f, a61 = 0f, a62 = 0f, a63 = 0f, a70 = 0f, a71 = 0f, a72 = 0f, a73 = 0f;
        for (int k0 = 0; k0 < end; k0 += K) {
            for (int e = lid; e < ROWS * K; e += LOCAL) {
                int rr = r0 + (e >> 5);
                int c = e & 31;
                float v = 0f;
                if (rr < rows) {
                    int b = packed.get(rr * (cols >> 1) + (k0 >> 1) + (c & 15)) & 0xFF;
                    int nibble = c < 16 ? (b & 15) : (b >> 4);
                    // float before subtracting 8: see MatVecKernels (TornadoVM typed the int form as unsigned)
                    v = scales.get(rr * (cols >> 5) + (k0 >> 5)) * ((float) nibble - 8f);
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
        row = r0 + rg + 0;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a00 : a00);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a01 : a01);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a02 : a02);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a03 : a03);
            }
        }
        row = r0 + rg + 16;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a10 : a10);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a11 : a11);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a12 : a12);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a13 : a13);
            }
        }
        row = r0 + rg + 32;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a20 : a20);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a21 : a21);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a22 : a22);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a23 : a23);
            }
        }
        row = r0 + rg + 48;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a30 : a30);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a31 : a31);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a32 : a32);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a33 : a33);
            }
        }
        row = r0 + rg + 64;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a40 : a40);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a41 : a41);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a42 : a42);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a43 : a43);
            }
        }
        row = r0 + rg + 80;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a50 : a50);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a51 : a51);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a52 : a52);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a53 : a53);
            }
        }
        row = r0 + rg + 96;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a60 : a60);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a61 : a61);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a62 : a62);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a63 : a63);
            }
        }
        row = r0 + rg + 112;
        if (row < rows) {
            if (tg + 0 < n - t0) {
                int o = (t0 + tg + 0) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a70 : a70);
            }
            if (tg + 4 < n - t0) {
                int o = (t0 + tg + 4) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a71 : a71);
            }
            if (tg + 8 < n - t0) {
                int o = (t0 + tg + 8) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a72 : a72);
            }
            if (tg + 12 < n - t0) {
                int o = (t0 + tg + 12) * rows + row;
                out.set(o, add != 0 ? out.get(o) + a73 : a73);
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
