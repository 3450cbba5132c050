package io.github.lfm4j.kernels.cpu;

import io.github.lfm4j.model.gguf.GGMLType;
import io.github.lfm4j.model.gguf.Tensor;

import java.lang.foreign.Arena;
import java.util.Optional;

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
     * True when {@link #matvec(float[], float[], int, int)} first rounds its input to int8 blocks ({@link
     * Int8Activations}); such a kernel also takes the input already rounded, through {@link
     * #matvec(Int8Activations, float[], int, int)}, so that a product split across threads rounds it only once.
     */
    default boolean roundsInputToInt8() {
        return false;
    }

    /**
     * {@link #matvec(float[], float[], int, int)} on an input already rounded to int8 (same result, bit for bit).
     *
     * @throws UnsupportedOperationException when {@link #roundsInputToInt8()} is false
     */
    default void matvec(Int8Activations xq, float[] out, int rowStart, int rowEnd) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " multiplies float activations");
    }

    /** Row {@code r} of the matrix as floats, into {@code dst[off .. off + cols())}: what the products multiply by. */
    void row(int r, float[] dst, int off);

    /**
     * Batched product for prefill: {@code x} holds {@code n} activation vectors of length {@code cols()}
     * (row-major, vector i at {@code i*cols()}), {@code out} holds {@code n} output vectors of length {@code rows()}
     * (vector i at {@code i*rows()}); only rows {@code [rowStart, rowEnd)} of every output vector are written.
     */
    void matmul(float[] x, int n, float[] out, int rowStart, int rowEnd);

    /**
     * Like {@link #of}, but where this machine has a faster kernel for another arrangement of the same bytes, the
     * weights are copied once into that arrangement, in memory from {@code arena} (so they no longer need the file's
     * pages), by the threads of {@code parallel}: with 256-bit vectors, Q4_0 and the K-quants eight rows interleaved
     * ({@link Q4_0InterleavedMatrixKernel}, ~1.2x the plain kernel's decode speed; {@link KQuantInterleavedKernel});
     * the engine's default, {@code --no-repack} off.
     * Other tensors get {@link #of}'s kernel over the file's bytes; {@link #readsOwnCopy()} tells which.
     */
    static MatrixKernel repacked(Tensor weights, Arena arena, Parallel parallel) {
        Optional<MatrixKernel> repacked = switch (weights.type()) {
            case Q4_0 -> Q4_0InterleavedMatrixKernel.interleave(weights, arena, parallel);
            case Q4_K -> Q4_KInterleavedMatrixKernel.interleave(weights, arena, parallel);
            case Q5_K -> Q5_KInterleavedMatrixKernel.interleave(weights, arena, parallel);
            case Q6_K -> Q6_KInterleavedMatrixKernel.interleave(weights, arena, parallel);
            default -> Optional.empty();
        };
        return repacked.orElseGet(() -> of(weights));
    }

    /** True for a kernel reading its own copy of the weights ({@link #repacked}) rather than the tensor's bytes. */
    default boolean readsOwnCopy() {
        return false;
    }

    /**
     * The fastest kernel available for this tensor's type.
     *
     * @throws IllegalArgumentException for a type lfm4j cannot compute with, or a tensor too short for its shape
     */
    static MatrixKernel of(Tensor weights) {
        return switch (weights.type()) {
            case F32 -> new F32MatrixKernel(weights);
            case F16 -> new F16MatrixKernel(weights);
            case BF16 -> new BF16MatrixKernel(weights);
            case Q8_0 -> new Q8_0MatrixKernel(weights);
            case Q4_0 -> new Q4_0MatrixKernel(weights);
            case Q4_1 -> new Q4_1MatrixKernel(weights);
            case Q5_0 -> new Q5_0MatrixKernel(weights);
            case Q5_1 -> new Q5_1MatrixKernel(weights);
            case Q2_K -> new Q2_KMatrixKernel(weights);
            case Q3_K -> new Q3_KMatrixKernel(weights);
            case Q4_K -> new Q4_KMatrixKernel(weights);
            case Q5_K -> new Q5_KMatrixKernel(weights);
            case Q6_K -> new Q6_KMatrixKernel(weights);
            default -> throw new IllegalArgumentException(
                    "tensor " + weights.name() + " has type " + weights.type() + ", which lfm4j cannot multiply with");
        };
    }
}
