package io.github.lfm4j.runner.engine;

import io.github.lfm4j.kernels.cpu.Int8Activations;
import io.github.lfm4j.kernels.cpu.MatrixKernel;
import io.github.lfm4j.kernels.cpu.Parallel;

import java.util.HashMap;
import java.util.Map;

/**
 * Splits matrix products' output rows across the worker threads. A single mutable instance per session is reused
 * for every product so that a decode step (about a hundred products) allocates nothing once warm.
 * <p>
 * Products reading the same input (q, k, v; gate, up) run as one parallel job over their concatenated rows: one
 * hand-off to the workers instead of two or three, and the threads that finish one matrix early go on with the next
 * instead of waiting. For one token (decode), an input that the kernels round to int8 is rounded here once, not
 * once per thread and chunk.
 */
final class MatmulRunner implements Parallel.RangeBody {
    /** Chunk boundaries at multiples of this many rows, so kernels that process rows in groups get whole groups. */
    private static final int ROW_GRANULARITY = 16;

    private final Parallel parallel;
    /** Rounded inputs by length (the model has two: dim and ffn), owned by this session. */
    private final Map<Integer, Int8Activations> rounded = new HashMap<>();
    private final MatrixKernel[] one = new MatrixKernel[1];
    private final float[][] oneOut = new float[1][];
    private MatrixKernel[] kernels;
    private float[][] outs;
    private float[] x;
    private Int8Activations xq;
    private int n;

    MatmulRunner(Parallel parallel) {
        this.parallel = parallel;
    }

    /** {@code out[i·rows + r] = Σ_c W[r][c]·x[i·cols + c]} for the {@code n} vectors of {@code x}. */
    void apply(MatrixKernel kernel, float[] x, int n, float[] out) {
        one[0] = kernel;
        oneOut[0] = out;
        applyAll(one, x, n, oneOut);
    }

    /**
     * {@code outs[i] = kernels[i] · x} (as {@link #apply}) for matrices of the same width, as one parallel job (chunks
     * split rows at multiples of 16 of the concatenation, so row groups stay whole when row counts are multiples of
     * 16). For one token, an input the kernels round to int8 is rounded here once.
     */
    void applyAll(MatrixKernel[] kernels, float[] x, int n, float[][] outs) {
        Int8Activations q = null;
        for (MatrixKernel k : kernels) {
            if (k.cols() != kernels[0].cols()) throw new IllegalArgumentException("products of different widths");
            if (n == 1 && k.roundsInputToInt8() && q == null) {
                q = rounded.computeIfAbsent(k.cols(), Int8Activations::new);
                q.quantize(x, 0);
            }
        }
        run(kernels, x, q, n, outs);
    }

    private void run(MatrixKernel[] kernels, float[] x, Int8Activations xq, int n, float[][] outs) {
        this.kernels = kernels;
        this.outs = outs;
        this.x = x;
        this.xq = xq;
        this.n = n;
        int rows = 0;
        for (MatrixKernel k : kernels) rows += k.rows();
        try {
            parallel.forRange(rows, ROW_GRANULARITY, this);
        } finally {
            this.kernels = null;
            this.outs = null;
            this.x = null;
            this.xq = null;
        }
    }

    /** Rows {@code [start, end)} of the concatenation of the kernels' rows. */
    @Override
    public void run(int start, int end) {
        int base = 0;
        for (int i = 0; i < kernels.length && base < end; i++) {
            MatrixKernel k = kernels[i];
            int from = Math.max(start, base) - base, to = Math.min(end, base + k.rows()) - base;
            if (from < to) {
                if (n > 1) k.matmul(x, n, outs[i], from, to);
                else if (xq != null && k.roundsInputToInt8()) k.matvec(xq, outs[i], from, to);
                else k.matvec(x, outs[i], from, to);
            }
            base += k.rows();
        }
    }
}
