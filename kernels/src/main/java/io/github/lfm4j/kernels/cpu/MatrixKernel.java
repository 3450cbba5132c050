package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.Tensor;

/**
 * A weight matrix ({@code rows} outputs × {@code cols} inputs, stored in some ggml type in the memory-mapped file)
 * multiplying float activations. Implementations compute on the encoded blocks directly. They are single-threaded
 * over a row range: callers split rows across threads.
 */
public interface MatrixKernel {

    int rows();

    int cols();

    /** {@code out[r] = Σ_c W[r][c] · x[c]} for {@code r ∈ [rowStart, rowEnd)}. */
    void matvec(float[] x, float[] out, int rowStart, int rowEnd);

    /**
     * Batched product for prefill: {@code x} holds {@code n} activation vectors of length {@code cols()}
     * (row-major, vector i at {@code i*cols()}), {@code out} holds {@code n} output vectors of length {@code rows()}
     * (vector i at {@code i*rows()}); only rows {@code [rowStart, rowEnd)} of every output vector are written.
     */
    void matmul(float[] x, int n, float[] out, int rowStart, int rowEnd);

    /** The fastest kernel available for this tensor's type. */
    static MatrixKernel of(Tensor weights) {
        return new DequantizingMatrixKernel(weights);
    }
}
