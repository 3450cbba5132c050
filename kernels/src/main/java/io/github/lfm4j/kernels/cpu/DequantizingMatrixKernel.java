package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;
import io.github.lfm4j.model.quant.Dequantizer;

/**
 * The portable kernel for any type the dequantizer reads: dequantize a row into a scratch array, then a plain
 * float dot product. Slow but simple; the per-type Vector API kernels are preferred by {@link MatrixKernel#of}.
 */
final class DequantizingMatrixKernel implements MatrixKernel {
    private final Tensor w;
    private final int rows, cols;
    private final ThreadLocal<float[]> scratch;

    DequantizingMatrixKernel(Tensor w) {
        this.w = w;
        this.rows = Math.toIntExact(w.rows());
        this.cols = Math.toIntExact(w.cols());
        this.scratch = ThreadLocal.withInitial(() -> new float[cols]);
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public void matvec(float[] x, float[] out, int rowStart, int rowEnd) {
        matmul(x, 1, out, rowStart, rowEnd);
    }

    @Override
    public void matmul(float[] x, int n, float[] out, int rowStart, int rowEnd) {
        float[] row = scratch.get();
        for (int r = rowStart; r < rowEnd; r++) {
            Dequantizer.dequantizeRow(w, r, row);
            for (int i = 0; i < n; i++) {
                float sum = 0f;
                int xo = i * cols;
                for (int c = 0; c < cols; c++) sum += row[c] * x[xo + c];
                out[i * rows + r] = sum;
            }
        }
    }
}
