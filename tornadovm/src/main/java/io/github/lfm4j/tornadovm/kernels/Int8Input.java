package io.github.lfm4j.tornadovm.kernels;

import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * A device activation vector rounded to int8 in blocks of 32 ({@link Int8InputKernels#quantize}):
 * {@code x[i] ≈ scales[i/32] · quants[i]}, {@code |quants[i]| ≤ 127}. The quantized matrix-vector kernels take
 * this instead of the float vector, as the CPU engine's decode matvec does (llama.cpp's Q8_0 activations).
 *
 * <p>The quants are kept one per int: the vector is small next to the weights, and ints spare the kernels a
 * byte-to-int sign extension (TornadoVM has mistyped narrow integer arithmetic as unsigned before).
 */
public record Int8Input(IntArray quants, FloatArray scales) {
    public Int8Input {
        if (quants.getSize() % 32 != 0 || scales.getSize() != quants.getSize() / 32) {
            throw new IllegalArgumentException("int8 input of " + quants.getSize() + " quants needs a whole number of "
                    + "blocks of 32 and one scale per block, not " + scales.getSize());
        }
    }

    /**
     * Room for a vector of {@code n} elements, rounded up to whole blocks: a vector that is no multiple of 32 only
     * feeds F32 matrices (quantized rows are whole blocks), which never read this.
     */
    public static Int8Input of(int n) {
        if (n <= 0) throw new IllegalArgumentException("int8 activations need at least one element, not " + n);
        int blocks = (n + 31) / 32;
        return new Int8Input(new IntArray(32 * blocks), new FloatArray(blocks));
    }
}
