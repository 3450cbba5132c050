package io.github.lfm4j.runner.engine;

import io.github.lfm4j.kernels.cpu.MatrixKernel;
import io.github.lfm4j.kernels.cpu.Parallel;

/**
 * Splits one matrix product's output rows across the worker threads. A single mutable instance per session is
 * reused for every product so that a decode step (about a hundred products) allocates nothing.
 */
final class MatmulRunner implements Parallel.RangeBody {
    /** Chunk boundaries at multiples of this many rows, so kernels that process rows in groups get whole groups. */
    private static final int ROW_GRANULARITY = 16;

    private final Parallel parallel;
    private MatrixKernel kernel;
    private float[] x, out;
    private int n;

    MatmulRunner(Parallel parallel) {
        this.parallel = parallel;
    }

    /** {@code out[i·rows + r] = Σ_c W[r][c]·x[i·cols + c]} for the {@code n} vectors of {@code x}. */
    void apply(MatrixKernel kernel, float[] x, int n, float[] out) {
        this.kernel = kernel;
        this.x = x;
        this.n = n;
        this.out = out;
        try {
            parallel.forRange(kernel.rows(), ROW_GRANULARITY, this);
        } finally {
            this.kernel = null;
            this.x = null;
            this.out = null;
        }
    }

    @Override
    public void run(int start, int end) {
        if (n == 1) kernel.matvec(x, out, start, end);
        else kernel.matmul(x, n, out, start, end);
    }
}
